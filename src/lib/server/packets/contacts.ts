import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { clientContact, membership, user, type ClientContact, type Firm } from '../db/schema';
import { inviteContact, revokeContactAccess } from './contact-access';

export type ContactRole = 'approver' | 'viewer';

export interface ContactInput {
  email: string;
  name: string;
  role: ContactRole;
  accessExpiresAt: Date | null;
}

export async function listContacts(db: Db, firmId: string, clientId: string) {
  return db
    .select({
      id: clientContact.id,
      userId: user.id,
      email: user.email,
      name: clientContact.name,
      role: clientContact.role,
      accessExpiresAt: clientContact.accessExpiresAt,
      locale: clientContact.locale,
      createdAt: clientContact.createdAt
    })
    .from(clientContact)
    .innerJoin(user, eq(user.id, clientContact.userId))
    .where(and(eq(clientContact.clientId, clientId), eq(clientContact.firmId, firmId)))
    .orderBy(asc(user.email));
}

/**
 * The user with this address, created when new. An existing account's name is the person's
 * (another firm's, perhaps): never changed here, and never shown to staff (contact names are
 * client_contact.name, per firm).
 */
export async function findOrCreateUser(db: Db, email: string, name: string) {
  const [created] = await db
    .insert(user)
    .values({ email, name: name.trim() })
    .onConflictDoNothing({ target: user.email })
    .returning();
  if (created) return created;
  const [existing] = await db.select().from(user).where(eq(user.email, email));
  return existing;
}

/**
 * The name a firm shows for the author of a comment or an audit entry, in a query that left-joins
 * `membership` (of the packet's firm) and `client_contact` (of the packet's client) on the author:
 * a member's own name, else the name the firm gave the contact, else '' (show the address).
 */
export const nameForFirm = sql<string>`case when ${membership.id} is not null then ${user.name} else coalesce(${clientContact.name}, '') end`;

export interface AddContactResult {
  contact: ClientContact;
  created: boolean;
}

/**
 * Adds a person to a client (or leaves an existing contact as it is). Nothing is mailed unless
 * `invite` asks for an invitation: adding a contact before any packet exists must not write to
 * them by itself. Call inside a transaction so the invite is sent only if the contact commits.
 */
export async function addContact(
  db: Db,
  firm: Firm,
  clientId: string,
  input: ContactInput,
  options: { invite?: boolean; invitedBy?: { id: string; name: string } | null } = {}
): Promise<AddContactResult> {
  const person = await findOrCreateUser(db, input.email, input.name);
  const [contact] = await db
    .insert(clientContact)
    .values({
      firmId: firm.id,
      clientId,
      userId: person.id,
      name: input.name.trim(),
      role: input.role,
      accessExpiresAt: input.accessExpiresAt
    })
    .onConflictDoNothing({ target: [clientContact.clientId, clientContact.userId] })
    .returning();
  if (!contact) {
    const [existing] = await db
      .select()
      .from(clientContact)
      .where(and(eq(clientContact.clientId, clientId), eq(clientContact.userId, person.id)));
    return { contact: existing, created: false };
  }
  if (options.invite) {
    await inviteContact(db, { contactId: contact.id, firm, invitedBy: options.invitedBy ?? null });
  }
  return { contact, created: true };
}

export async function updateContact(
  db: Db,
  firmId: string,
  contactId: string,
  input: { role: ContactRole; accessExpiresAt: Date | null }
) {
  const [row] = await db
    .update(clientContact)
    .set(input)
    .where(and(eq(clientContact.id, contactId), eq(clientContact.firmId, firmId)))
    .returning();
  if (row && input.accessExpiresAt && input.accessExpiresAt <= new Date()) {
    await revokeContactAccess(db, { firmId, contactId, remove: false });
  }
  return row ?? null;
}

/** Removes the person from the client and ends their client sessions at once. */
export async function removeContact(db: Db, firmId: string, contactId: string) {
  const [row] = await db
    .select()
    .from(clientContact)
    .where(and(eq(clientContact.id, contactId), eq(clientContact.firmId, firmId)));
  if (row) await revokeContactAccess(db, { firmId, contactId, remove: true });
  return row ?? null;
}
