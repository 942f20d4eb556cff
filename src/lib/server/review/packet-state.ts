// Everything the packet page reads beyond the access check, and the contact's open of it, as one
// prepared statement. The page used to make nine: the open (an update), the approval counts, who
// approved, open questions, the versions' details, the contact's decisions, their certified
// versions (most of them reading the same decision rows), the documents and the thread.
// The open is a data-modifying CTE (it runs whether or not the select reads it, and nothing here
// reads the delivery it updates); each list comes back as one JSON text, timestamps as epoch
// milliseconds (as db/session-row.ts does: extract() is numeric, so Date gets the same
// millisecond drizzle's mapping gives).
// Every subquery is scoped by the packet id the caller's access check passed, and the contact's
// rows also by its contact id.
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { preparedOnce } from '../db/prepared';
import { delivery, firm, packet } from '../db/schema';
import { isOpenQuestion } from '../packets/needs-reply';
import { approvalCounts, versionApproved, versionDeclined } from './approval';
import { versionDocumentsFromJson, versionDocumentsJson } from './published';
import { threadFromJson, threadJson, type ThreadEntry } from './questions';

export interface PacketDecision {
  kind: 'approve' | 'question' | 'decline';
  version: number;
  at: Date;
  withdrawnAt: Date | null;
  reason: string | null;
}

export interface PacketState extends ReturnType<typeof versionDocumentsFromJson> {
  /** When this contact first opened this version (null when they have no delivery of it). */
  opened: Date | null;
  approval: { approved: number; approvers: number; isApproved: boolean; isDeclined: boolean };
  /** Approvers' standing approvals of the version, first first, as the firm names them. */
  approvals: { name: string; at: Date }[];
  questionOpen: boolean;
  /** The contact's decisions on the packet, newest first (withdrawn ones say when). */
  decisions: PacketDecision[];
  /** Versions approved under the firm's rule that this contact approved, newest first. */
  certified: number[];
  /** Each published version's details, oldest first. */
  versions: { version: number; title: string; period: string; note: string; dueAt: Date | null }[];
  thread: ThreadEntry[];
}

const version = sql`${sql.placeholder('version')}::int`;
const contactId = sql`${sql.placeholder('contactId')}::uuid`;
const ms = (column: string) => sql.raw(`extract(epoch from ${column}) * 1000`);
const ref = { id: packet.id, version, clientId: packet.clientId };

function buildPacketState(db: Db) {
  const opened = db.$with('opened').as(
    db
      .update(delivery)
      .set({
        firstOpenedAt: sql`coalesce(${delivery.firstOpenedAt}, now())`,
        lastOpenedAt: sql`now()`
      })
      .where(
        and(
          eq(delivery.packetId, sql.placeholder('packetId')),
          eq(delivery.version, version),
          eq(delivery.contactId, contactId)
        )
      )
      .returning({ firstOpenedAt: delivery.firstOpenedAt })
  );
  const { approved, approvers } = approvalCounts(ref);
  return db
    .with(opened)
    .select({
      opened: sql<Date | null>`(select first_opened_at from opened)`.mapWith(
        delivery.firstOpenedAt
      ),
      approved,
      approvers,
      isApproved: versionApproved(ref, firm.approvalRule),
      isDeclined: versionDeclined(ref),
      questionOpen: sql<boolean>`exists (select 1 from "comment"
        where "comment".packet_id = ${packet.id} and ${isOpenQuestion()})`,
      approvals: sql<string>`(select coalesce(json_agg(json_build_array(sc.name, su.name,
        ${ms('sa.at')}) order by sa.at), '[]')::text
        from decision sa join client_contact sc on sc.id = sa.contact_id
        join "user" su on su.id = sc.user_id
        where sa.packet_id = ${packet.id} and sa.version = ${version} and sa.kind = 'approve'
        and sa.withdrawn_at is null and sc.role = 'approver')`,
      decisions: sql<string>`(select coalesce(json_agg(json_build_array(md.kind, md.version,
        ${ms('md.at')}, ${ms('md.withdrawn_at')}, md.reason) order by md.at desc), '[]')::text
        from decision md where md.packet_id = ${packet.id} and md.contact_id = ${contactId})`,
      certified: sql<string>`(select coalesce(json_agg(mine.v order by mine.v desc), '[]')::text
        from (select distinct cd.version as v from decision cd
          where cd.packet_id = ${packet.id} and cd.contact_id = ${contactId}
          and cd.kind = 'approve' and cd.withdrawn_at is null) mine
        where ${versionApproved({ ...ref, version: sql`mine.v` }, firm.approvalRule)})`,
      versions: sql<string>`(select coalesce(json_agg(json_build_array(pv.version, pv.title,
        pv.period, pv.note, ${ms('pv.due_at')}) order by pv.version), '[]')::text
        from packet_version pv where pv.packet_id = ${packet.id})`,
      documents: versionDocumentsJson(version),
      thread: threadJson
    })
    .from(packet)
    .innerJoin(firm, eq(firm.id, packet.firmId))
    .where(eq(packet.id, sql.placeholder('packetId')))
    .prepare('sheaf_packet_state');
}

const date = (ms: number | null) => (ms === null ? null : new Date(ms));

/**
 * Marks the contact's delivery of the packet's current version opened (first and last), and
 * reads what the packet page shows, in one statement. `userId`: the reader (their questions are
 * theirs in the thread).
 */
export async function openPacketState(
  db: Db,
  p: { id: string; version: number },
  contact: { id: string },
  userId: string
): Promise<PacketState> {
  const [row] = await preparedOnce(db, 'sheaf_packet_state', buildPacketState).execute({
    packetId: p.id,
    version: p.version,
    contactId: contact.id
  });
  if (!row) {
    const approval = { approved: 0, approvers: 0, isApproved: false, isDeclined: false };
    return {
      opened: null,
      approval,
      approvals: [],
      questionOpen: false,
      decisions: [],
      certified: [],
      versions: [],
      documents: [],
      changes: new Map(),
      thread: []
    };
  }
  type Approval = [string, string, number];
  type Decision = [PacketDecision['kind'], number, number, number | null, string | null];
  type Version = [number, string, string, string, number | null];
  return {
    ...versionDocumentsFromJson(row.documents, p.version),
    thread: threadFromJson(row.thread, userId),
    opened: row.opened,
    approval: {
      approved: row.approved,
      approvers: row.approvers,
      isApproved: row.isApproved,
      isDeclined: row.isDeclined
    },
    approvals: (JSON.parse(row.approvals) as Approval[]).map(([name, userName, at]) => ({
      name: name || userName,
      at: new Date(at)
    })),
    questionOpen: row.questionOpen,
    decisions: (JSON.parse(row.decisions) as Decision[]).map(
      ([kind, version, at, withdrawnAt, reason]) => ({
        kind,
        version,
        at: new Date(at),
        withdrawnAt: date(withdrawnAt),
        reason
      })
    ),
    certified: JSON.parse(row.certified) as number[],
    versions: (JSON.parse(row.versions) as Version[]).map(
      ([version, title, period, note, dueAt]) => ({
        version,
        title,
        period,
        note,
        dueAt: date(dueAt)
      })
    )
  };
}
