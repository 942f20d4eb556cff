import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import { and, asc, eq, gt, isNull, ne, or, sql, type Placeholder } from 'drizzle-orm';
import { getDb, type Db } from '../db/client';
import { isUuid, preparedOnce } from '../db/prepared';
import { clientContact, firm, membership, packet, packetVersion } from '../db/schema';
import type { ClientContact, Firm, Membership, Packet } from '../db/schema';
import { getClient } from '../packets/clients';
import { getPacket } from '../packets/packets';
import { asPublished, currentSnapshot } from '../review/published';
import { invalidateUserSessions, type SessionUser } from './session';
import { stepUpNeeded, stepUpPath } from './passkeys/step-up';

function signInRedirect(event: RequestEvent): never {
  const next = event.url.pathname + event.url.search;
  redirect(303, `/sign-in?next=${encodeURIComponent(next)}`);
}

/** The signed-in user, or a redirect to /sign-in that comes back here. */
export function requireUser(event: RequestEvent): SessionUser {
  if (!event.locals.user) signInRedirect(event);
  return event.locals.user;
}

export interface StaffAccess {
  user: SessionUser;
  firm: Firm;
  membership: Membership;
}

/** Paths of the staff workspace: only a staff session opens them. */
export function isStaffPath(path: string): boolean {
  return /^\/firm(?:[/?#]|$)/.test(path);
}

/**
 * A member of a firm signed in with a staff session; every staff load, action and endpoint
 * calls this itself. A member holding a client session (a contact link) signs in again.
 */
export async function requireStaff(event: RequestEvent): Promise<StaffAccess> {
  const user = requireUser(event);
  const [row] = await getDb()
    .select({ firm, membership })
    .from(membership)
    .innerJoin(firm, eq(firm.id, membership.firmId))
    .where(eq(membership.userId, user.id))
    .orderBy(asc(membership.createdAt))
    .limit(1);
  if (!row) error(404, 'Not found');
  // A contact's link gives even an owner a 30-day sliding client session: staff rights need the
  // staff sign-in (7 days), which /sign-in offers them for this page.
  if (event.locals.session?.kind !== 'staff') signInRedirect(event);
  if (stepUpNeeded(row.firm, event.locals.session)) stepUpRefusal(event);
  return { user, firm: row.firm, membership: row.membership };
}

/**
 * The firm asks staff to confirm with a passkey and this session has not: a page or form goes
 * to the confirm page and comes back; anything else (a fetch of JSON or a file) gets a 403.
 */
function stepUpRefusal(event: RequestEvent): never {
  const headers = event.request.headers;
  const page =
    event.isDataRequest ||
    headers.get('x-sveltekit-action') === 'true' ||
    (headers.get('accept') ?? '').includes('text/html');
  if (!page) {
    error(403, 'Your firm asks staff to confirm with a passkey: open any firm page to do so.');
  }
  const get = event.request.method === 'GET' || event.request.method === 'HEAD';
  redirect(303, stepUpPath(get ? event.url.pathname + event.url.search : event.url.pathname));
}

/**
 * The current access condition of a contact: permanent, or until access_expires_at. A query
 * built once (db/prepared.ts) passes the time as a placeholder, filled in with an ISO string on
 * each run: a Date here would be fixed at the first call.
 */
export const contactIsActive = (now: Date | Placeholder = new Date()) =>
  or(isNull(clientContact.accessExpiresAt), gt(clientContact.accessExpiresAt, now));

export interface ContactAccess {
  user: SessionUser;
  contact: ClientContact;
  /** The packet as published: title, period, note and due date of its current version. */
  packet: Packet;
  firm: Firm;
}

/**
 * A current contact of the packet's client, for a packet that has been published, seen as
 * published (staff edits since stay theirs). Anything else (another client's packet, a draft,
 * expired guest access) is a 404.
 */
export async function requireContact(
  event: RequestEvent,
  packetId: string
): Promise<ContactAccess> {
  const user = requireUser(event);
  if (!isUuid(packetId)) error(404, 'Not found');
  const [row] = await preparedOnce(getDb(), 'sheaf_contact_access', (db) =>
    db
      .select({ contact: clientContact, packet, firm, snapshot: packetVersion })
      .from(packet)
      .innerJoin(clientContact, eq(clientContact.clientId, packet.clientId))
      .innerJoin(firm, eq(firm.id, packet.firmId))
      .innerJoin(packetVersion, currentSnapshot())
      .where(
        and(
          eq(packet.id, sql.placeholder('packetId')),
          ne(packet.status, 'draft'),
          eq(clientContact.userId, sql.placeholder('userId')),
          contactIsActive(sql.placeholder('now'))
        )
      )
      .limit(1)
      .prepare('sheaf_contact_access')
  ).execute({ packetId, userId: user.id, now: new Date().toISOString() });
  if (!row) {
    // A guest whose access ran out keeps no session: the first refused request ends them all.
    await endSessionsWithoutAccess(getDb(), user.id);
    error(404, 'Not found');
  }
  const { snapshot, ...rest } = row;
  return { user, ...rest, packet: asPublished(row.packet, snapshot) };
}

/**
 * Deletes every session of a user who is no longer an active contact anywhere nor a member of
 * any firm (a guest whose access expired, a removed contact). Returns how many ended.
 */
export async function endSessionsWithoutAccess(db: Db, userId: string): Promise<number> {
  const [access] = await db
    .select({ id: clientContact.id })
    .from(clientContact)
    .where(and(eq(clientContact.userId, userId), contactIsActive()))
    .limit(1);
  if (access) return 0;
  const [member] = await db
    .select({ id: membership.id })
    .from(membership)
    .where(eq(membership.userId, userId))
    .limit(1);
  if (member) return 0;
  return invalidateUserSessions(db, userId);
}

/** Route ids are uuids; anything else is a 404 before it reaches the database. */
export { isUuid };

/** An owner of the firm; other staff get a 403 (the page itself is theirs to read). */
export async function requireOwner(event: RequestEvent): Promise<StaffAccess> {
  const access = await requireStaff(event);
  if (access.membership.role !== 'owner') error(403, 'Only an owner of the firm can do this.');
  return access;
}

/** Staff access plus the firm's packet; another firm's or a malformed id is a 404. */
export async function requireStaffPacket(event: RequestEvent, packetId: string) {
  const access = await requireStaff(event);
  if (!isUuid(packetId)) error(404, 'Not found');
  const row = await getPacket(getDb(), access.firm.id, packetId);
  if (!row) error(404, 'Not found');
  return { ...access, ...row };
}

/** Staff access plus the firm's client; another firm's or a malformed id is a 404. */
export async function requireStaffClient(
  event: RequestEvent,
  clientId: string
): Promise<StaffAccess & { client: NonNullable<Awaited<ReturnType<typeof getClient>>> }> {
  const access = await requireStaff(event);
  if (!isUuid(clientId)) error(404, 'Not found');
  const row = await getClient(getDb(), access.firm.id, clientId);
  if (!row) error(404, 'Not found');
  return { ...access, client: row };
}
