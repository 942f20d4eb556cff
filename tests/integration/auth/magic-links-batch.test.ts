// issueMagicLinks writes the rows issueMagicLink would, many to a statement.
import { eq, inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getConfig } from '../../../src/lib/server/config';
import { getDb } from '../../../src/lib/server/db/client';
import * as s from '../../../src/lib/server/db/schema';
import {
  consumeMagicLink,
  issueMagicLink,
  issueMagicLinks
} from '../../../src/lib/server/auth/magic-link';
import { hashToken } from '../../../src/lib/server/auth/token';
import { createClient, createContact, createFirm, createPacket } from '../../support/factories';

describe('issueMagicLinks', () => {
  it('writes the same rows as issueMagicLink, in the order asked, each link working', async () => {
    const db = getDb();
    const firm = await createFirm(db);
    const client = await createClient(db, firm.id);
    const packet = await createPacket(db, client);
    const contacts = await Promise.all(
      [1, 2, 3].map((i) => createContact(db, client, { name: `Contact ${i}` }))
    );
    const expiresAt = new Date(Date.now() + 3 * 86_400_000);
    const input = (userId: string) => ({
      userId,
      purpose: 'packet' as const,
      firmId: firm.id,
      packetId: packet.id,
      redirectTo: `/p/${packet.id}`,
      expiresAt
    });

    const one = await issueMagicLink(db, input(contacts[0].user.id));
    const many = await issueMagicLinks(
      db,
      contacts.map((c) => input(c.user.id))
    );
    expect(many).toHaveLength(3);
    for (const link of many) {
      expect(link).toMatchObject({ code: null, expiresAt });
      expect(link.url).toBe(`${getConfig().origin}/l/${link.token}`);
    }

    const rows = await db
      .select()
      .from(s.magicLink)
      .where(inArray(s.magicLink.id, [one.id, ...many.map((l) => l.id)]));
    const byId = new Map(rows.map((r) => [r.id, r]));
    // Apart from its id, token and time of writing, a batched row is the single one's.
    const comparable = (id: string) => {
      const { id: _id, tokenHash: _hash, createdAt: _at, userId: _user, ...rest } = byId.get(id)!;
      return rest;
    };
    for (const [i, link] of many.entries()) {
      const row = byId.get(link.id)!;
      expect(row.tokenHash).toBe(hashToken(link.token));
      expect(row.userId).toBe(contacts[i].user.id);
      expect(comparable(link.id)).toEqual(comparable(one.id));
    }

    const used = await consumeMagicLink(db, many[1].token);
    expect(used?.userId).toBe(contacts[1].user.id);
    const [after] = await db.select().from(s.magicLink).where(eq(s.magicLink.id, many[1].id));
    expect(after.usedAt).not.toBeNull();
  });

  it('writes nothing for no links', async () => {
    expect(await issueMagicLinks(getDb(), [])).toEqual([]);
  });
});
