import { and, desc, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client';
import { decision, delivery, packet as packetTable } from '../db/schema';
import { recordAudit } from '../audit';
import { alertStaff } from '../alerts/alerts';
import type { ClientContact, Decision, Packet } from '../db/schema';
import { consentSentence } from '../../components/review/approval-words';
import { decisionEvidence, type RequestEvidence } from './evidence';
import { m } from '../../paraglide/messages.js';

/** What an approval or a decline came to: recorded, a replay of one, or refused and why. */
export type DecisionResult =
  | { ok: true; decision: Decision; replayed: boolean }
  | { ok: false; reason: 'viewer' | 'archived' | 'request_used' | 'stale'; message: string };
export type ApproveResult = DecisionResult;

/**
 * Why a decision naming version `seen` was refused: the packet was updated since, or (naming
 * none) the page or queued action is from before versions were sent. In the request's language,
 * as every refusal here is.
 */
export const staleMessage = (seen: number | null) =>
  seen === null ? m.err_outdated_page() : m.err_stale_version();

/**
 * The packet version a decision form says its contact was looking at (its hidden `version`
 * field, also kept in queued offline actions); null when missing or unreadable.
 */
export function readSeenVersion(form: FormData): number | null {
  const raw = form.get('version');
  return typeof raw === 'string' && /^[1-9]\d{0,8}$/.test(raw) ? Number(raw) : null;
}

/**
 * Whether `seen` is the packet's current version: the one the caller read (and records the
 * decision on) and the one in the database now, read under a share lock so that a publish
 * (which locks the packet row for update) cannot slip in before the caller's transaction commits.
 */
export async function isCurrentVersion(
  tx: Db,
  packet: Packet,
  seen: number | null,
  options: { lock?: 'share' | 'no key update'; published?: boolean } = {}
) {
  if (seen === null || seen !== packet.version) return false;
  const [row] = await tx
    .select({ version: packetTable.version, status: packetTable.status })
    .from(packetTable)
    .where(eq(packetTable.id, packet.id))
    .for(options.lock ?? 'share');
  if (options.published && row?.status !== 'published') return false;
  return row?.version === seen;
}

/** The contact's delivery of the packet's current version: reviewed (decided) or not again. */
export async function setReviewed(
  tx: Db,
  packet: Packet,
  contact: ClientContact,
  reviewedAt: SQL | null
) {
  await tx
    .update(delivery)
    .set({ reviewedAt })
    .where(
      and(
        eq(delivery.packetId, packet.id),
        eq(delivery.version, packet.version),
        eq(delivery.contactId, contact.id)
      )
    );
}

/** Why this contact cannot approve this packet, or null when they can. */
export function approveBlocker(packet: Packet, contact: ClientContact): string | null {
  if (contact.role === 'viewer') {
    return m.err_viewer_approve();
  }
  if (packet.status === 'archived') return m.err_archived_approve();
  return null;
}

/** What every decision (approve, decline) is given. */
export interface DecisionInput {
  packet: Packet;
  contact: ClientContact;
  /** The version the contact was looking at: anything but the current one is refused. */
  seenVersion: number | null;
  requestId?: string;
  /** Where the request came from and how its contact signed in. */
  evidence: RequestEvidence;
}

/**
 * The steps an approval and a decline share. Refuses a contact who may not decide (`blocker`);
 * then, in one transaction: gives back what a repeated request id already recorded (or refuses
 * an id spent on something else), refuses a version that is no longer current, and runs
 * `record` with the packet locked, so that decisions on one packet take turns and a publish
 * waits for them. Two copies of one queued request that raced: the loser finds the winner's row
 * on a retry.
 */
export async function decide(
  db: Db,
  input: DecisionInput,
  kind: 'approve' | 'decline',
  blocker: string | null,
  record: (tx: Db) => Promise<DecisionResult>
): Promise<DecisionResult> {
  const { packet, contact, requestId } = input;
  if (blocker) {
    return {
      ok: false,
      reason: contact.role === 'viewer' ? 'viewer' : 'archived',
      message: blocker
    };
  }
  const attempt = () =>
    db.transaction(async (tx): Promise<DecisionResult> => {
      const earlier = await decisionOfRequest(tx, requestId, { packet, contact, kind });
      if (earlier === 'used') {
        return { ok: false, reason: 'request_used', message: m.err_request_used() };
      }
      if (earlier) return { ok: true, decision: earlier, replayed: true };
      // An update lock, so that under "every approver" the last two approving at once cannot
      // each count the other's row as missing and neither alert staff. NO KEY UPDATE, not
      // UPDATE: rows that name the packet (a reminder's new link, a nudge's) take a key-share
      // lock on it, and a reminder holding this contact's delivery would then wait for us while
      // we wait for the delivery: a deadlock. It still waits for a publish.
      const current = await isCurrentVersion(tx, packet, input.seenVersion, {
        lock: 'no key update',
        published: true
      });
      if (!current) return { ok: false, reason: 'stale', message: staleMessage(input.seenVersion) };
      return record(tx);
    });
  try {
    return await attempt();
  } catch (error) {
    if (requestId && isUniqueViolation(error)) return attempt();
    throw error;
  }
}

/**
 * Approves the packet's current version for the contact and marks their delivery reviewed.
 * Idempotent: a repeated requestId, or approving an already-approved version, records nothing new.
 */
export async function approvePacket(db: Db, input: DecisionInput): Promise<ApproveResult> {
  const { packet, contact } = input;
  return decide(db, input, 'approve', approveBlocker(packet, contact), (tx) =>
    recordApproval(tx, input)
  );
}

/**
 * The decision a browser's request id already recorded: the same contact, packet and kind get
 * it back (a repeat, e.g. a queued offline approval sent twice); anything else is 'used'.
 * Null when the id is new or there is none.
 */
export async function decisionOfRequest(
  tx: Db,
  requestId: string | undefined,
  expected: { packet: Packet; contact: ClientContact; kind: Decision['kind'] }
): Promise<Decision | 'used' | null> {
  if (!requestId) return null;
  const [existing] = await tx
    .select()
    .from(decision)
    .where(eq(decision.clientRequestId, requestId))
    .limit(1);
  if (!existing) return null;
  const same =
    existing.contactId === expected.contact.id &&
    existing.packetId === expected.packet.id &&
    existing.kind === expected.kind;
  return same ? existing : 'used';
}

/** A unique-constraint violation (SQLSTATE 23505) from either driver, as wrapped by drizzle. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; cause?: { code?: string } } | null;
  return e?.code === '23505' || e?.cause?.code === '23505';
}

/** The approval itself, inside decide()'s transaction with the packet locked. */
async function recordApproval(tx: Db, input: DecisionInput): Promise<DecisionResult> {
  const { packet, contact, requestId } = input;
  // Already approved (and not declined since, which withdraws the approval): nothing new.
  const [standing] = await tx
    .select()
    .from(decision)
    .where(
      and(
        eq(decision.packetId, packet.id),
        eq(decision.contactId, contact.id),
        eq(decision.version, packet.version),
        eq(decision.kind, 'approve'),
        isNull(decision.withdrawnAt)
      )
    )
    .orderBy(desc(decision.at))
    .limit(1);
  if (standing) return { ok: true, decision: standing, replayed: true };

  const evidence = await decisionEvidence(tx, packet, input.evidence, consentSentence);
  const [row] = await tx
    .insert(decision)
    .values({
      firmId: packet.firmId,
      packetId: packet.id,
      version: packet.version,
      contactId: contact.id,
      kind: 'approve',
      clientRequestId: requestId ?? null,
      ...evidence
    })
    .returning();
  // The latest decision of a contact on a version is what counts: this approval supersedes
  // their standing decline.
  await withdrawStanding(tx, packet, contact, 'decline');
  await setReviewed(tx, packet, contact, sql`coalesce(${delivery.reviewedAt}, now())`);
  await auditContactAction(
    tx,
    'packet.approved',
    { packet, contact, evidence },
    {
      decisionId: row.id,
      signInMethod: evidence.signInMethod
    }
  );
  await alertStaff(tx, { kind: 'approval', packet });
  return { ok: true, decision: row, replayed: false };
}

/**
 * Withdraws the contact's standing decisions of `kind` on the packet's current version (kept as
 * history, no longer counted); returns how many.
 */
export async function withdrawStanding(
  tx: Db,
  packet: Packet,
  contact: ClientContact,
  kind: 'approve' | 'decline'
): Promise<number> {
  const rows = await tx
    .update(decision)
    .set({ withdrawnAt: sql`now()` })
    .where(
      and(
        eq(decision.packetId, packet.id),
        eq(decision.version, packet.version),
        eq(decision.contactId, contact.id),
        eq(decision.kind, kind),
        isNull(decision.withdrawnAt)
      )
    )
    .returning({ id: decision.id });
  return rows.length;
}

export type WithdrawResult =
  { ok: true } | { ok: false; reason: 'viewer' | 'acted' | 'stale' | 'none'; message: string };

/**
 * Withdraws the contact's approval of the packet's current version: the decision is kept, with
 * withdrawnAt set, and no longer counts; their delivery is not reviewed any more (reminders and
 * nudges find them again). Possible until staff act on it: publish a new version (the approval
 * names an older one, refused as stale) or archive the packet.
 */
export async function withdrawApproval(
  db: Db,
  input: { packet: Packet; contact: ClientContact; seenVersion: number | null }
): Promise<WithdrawResult> {
  const { packet, contact } = input;
  if (contact.role === 'viewer') {
    return { ok: false, reason: 'viewer', message: m.err_viewer_withdraw() };
  }
  if (packet.status !== 'published') {
    // Staff acted on the approval: they published a new version or archived the packet.
    return { ok: false, reason: 'acted', message: m.err_withdraw_too_late() };
  }
  return db.transaction(async (tx) => {
    // Read again under the lock: an archive committed since the page loaded ends it too.
    if (!(await isCurrentVersion(tx, packet, input.seenVersion, { published: true }))) {
      return { ok: false, reason: 'stale', message: m.err_withdraw_too_late() };
    }
    if ((await withdrawStanding(tx, packet, contact, 'approve')) === 0) {
      return { ok: false, reason: 'none', message: m.err_nothing_to_withdraw() };
    }
    await setReviewed(tx, packet, contact, null);
    await recordAudit(tx, {
      action: 'decision.withdrawn',
      firmId: packet.firmId,
      actorId: contact.userId,
      subject: `packet:${packet.id}`,
      data: { version: packet.version, contactId: contact.id }
    });
    return { ok: true };
  });
}

/**
 * A contact's approval, decline or question in the audit log: by them, from where they were,
 * on the packet's current version.
 */
export async function auditContactAction(
  tx: Db,
  action: 'packet.approved' | 'packet.declined' | 'packet.question_asked',
  who: {
    packet: Packet;
    contact: ClientContact;
    evidence: { ip: string | null; userAgent: string | null };
  },
  data: Record<string, unknown>
) {
  const { packet, contact, evidence } = who;
  await recordAudit(tx, {
    action,
    firmId: packet.firmId,
    actorId: contact.userId,
    subject: `packet:${packet.id}`,
    ip: evidence.ip,
    ua: evidence.userAgent,
    data: { version: packet.version, contactId: contact.id, ...data }
  });
}
