// A contact's decline ("something is wrong"), with the reason they wrote and the same evidence
// as an approval. The latest decision of a contact on a version is what counts: a decline
// withdraws their standing approval (and an earlier decline), an approval later withdraws the
// decline (decisions.ts). A new version clears it: every status reads the current version only.
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db/client';
import { clientContact, decision, delivery, staffAlert, user } from '../db/schema';
import type { ClientContact, Packet } from '../db/schema';
import { alertStaff } from '../alerts/alerts';
import { declineConsentSentence } from '../../components/review/approval-words';
import { decisionEvidence } from './evidence';
import { numberFormat } from '../../format/numbers';
import { m } from '../../paraglide/messages.js';
import { getLocale } from '../../paraglide/runtime.js';
import {
  auditContactAction,
  decide,
  setReviewed,
  withdrawStanding,
  type DecisionInput,
  type DecisionResult
} from './decisions';
import { requestIdSchema } from './questions';

export const DECLINE_REASON_MAX = 2000;

export const declineSchema = z.object({
  reason: z
    .string({ error: () => m.err_decline_empty() })
    .trim()
    .min(1, { error: () => m.err_decline_empty() })
    .max(DECLINE_REASON_MAX, {
      error: () => m.err_too_long({ max: numberFormat(getLocale(), 0).format(DECLINE_REASON_MAX) })
    }),
  requestId: requestIdSchema
});

export type DeclineResult = DecisionResult;

/** Why this contact cannot decline this packet, or null when they can. */
export function declineBlocker(packet: Packet, contact: ClientContact): string | null {
  if (contact.role === 'viewer') {
    return m.err_viewer_decline();
  }
  if (packet.status === 'archived') return m.err_archived_decline();
  return null;
}

interface DeclineInput extends DecisionInput {
  /** What is wrong, already trimmed and checked by declineSchema. */
  reason: string;
}

/**
 * Records the contact's decline of the packet's current version, withdrawing their standing
 * approval, and alerts the client's responsible staff member. A repeated requestId records
 * nothing new.
 */
export async function declinePacket(db: Db, input: DeclineInput): Promise<DeclineResult> {
  const { packet, contact } = input;
  return decide(db, input, 'decline', declineBlocker(packet, contact), (tx) =>
    recordDecline(tx, input)
  );
}

/** The decline itself, inside decide()'s transaction with the packet locked. */
async function recordDecline(tx: Db, input: DeclineInput): Promise<DeclineResult> {
  const { packet, contact, requestId } = input;
  const withdrewApproval = (await withdrawStanding(tx, packet, contact, 'approve')) > 0;
  await withdrawStanding(tx, packet, contact, 'decline');
  // This contact's declines of this version, withdrawn ones included.
  const theirDeclines = and(
    eq(decision.packetId, packet.id),
    eq(decision.version, packet.version),
    eq(decision.contactId, contact.id),
    eq(decision.kind, 'decline')
  );
  // Staff hear of a contact's first decline of a version; later ones (a reason reworded)
  // show on the packet page without another mail, so no contact can fill an inbox.
  const [declinedBefore] = await tx
    .select({ id: decision.id })
    .from(decision)
    .where(theirDeclines)
    .limit(1);
  const evidence = await decisionEvidence(tx, packet, input.evidence, declineConsentSentence);
  const [row] = await tx
    .insert(decision)
    .values({
      firmId: packet.firmId,
      packetId: packet.id,
      version: packet.version,
      contactId: contact.id,
      kind: 'decline',
      reason: input.reason,
      clientRequestId: requestId ?? null,
      ...evidence
    })
    .returning();
  // Decided: reminders and "nudge all" stop asking them; staff have the next move.
  await setReviewed(tx, packet, contact, sql`coalesce(${delivery.reviewedAt}, now())`);
  await auditContactAction(
    tx,
    'packet.declined',
    { packet, contact, evidence },
    {
      decisionId: row.id,
      reason: input.reason,
      signInMethod: evidence.signInMethod,
      ...(withdrewApproval ? { withdrewApproval: true } : {})
    }
  );
  if (!declinedBefore) {
    await alertStaff(tx, { kind: 'decline', packet, decisionId: row.id });
  } else {
    // An alert still waiting for a digest names the decline as it now reads.
    await tx
      .update(staffAlert)
      .set({ decisionId: row.id })
      .where(
        and(
          eq(staffAlert.kind, 'decline'),
          isNull(staffAlert.sentAt),
          inArray(
            staffAlert.decisionId,
            tx.select({ id: decision.id }).from(decision).where(theirDeclines)
          )
        )
      );
  }
  return { ok: true, decision: row, replayed: false };
}

export interface VersionDecline {
  decisionId: string;
  contactId: string;
  name: string;
  email: string;
  at: Date;
  reason: string;
  /** False once the contact decided again (approved, or declined anew). */
  standing: boolean;
}

/** Every decline of a packet version, oldest first, with who (as the firm names them) and why. */
export async function listDeclines(
  db: Db,
  packetId: string,
  version: number
): Promise<VersionDecline[]> {
  const rows = await db
    .select({
      decisionId: decision.id,
      contactId: decision.contactId,
      name: clientContact.name,
      userName: user.name,
      email: user.email,
      at: decision.at,
      reason: decision.reason,
      withdrawnAt: decision.withdrawnAt
    })
    .from(decision)
    .innerJoin(clientContact, eq(clientContact.id, decision.contactId))
    .innerJoin(user, eq(user.id, clientContact.userId))
    .where(
      and(
        eq(decision.packetId, packetId),
        eq(decision.version, version),
        eq(decision.kind, 'decline')
      )
    )
    .orderBy(asc(decision.at), asc(decision.id));
  return rows.map((r) => ({
    decisionId: r.decisionId,
    contactId: r.contactId,
    name: r.name || r.userName || r.email,
    email: r.email,
    at: r.at,
    reason: r.reason ?? '',
    standing: r.withdrawnAt === null
  }));
}
