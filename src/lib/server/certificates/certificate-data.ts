// What a sign-off certificate says, read from the rows: the version as published, the approvals
// that signed it off with their evidence, the documents as approved, and the version's audit
// events. The certificate is a snapshot of the moment the version became approved under the
// firm's rule (the first standing approval under "any", the last under "all"): nothing that
// happens later (another approver approving too, a nudge, a view) changes it, so the same rows
// give the same file for as long as the sign-off stands.
import { and, asc, eq, gte, inArray, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import {
  auditEvent,
  client,
  clientContact,
  decision,
  firm,
  membership,
  packet,
  packetVersion,
  user,
  type ApprovalRule,
  type DecidedDocument,
  type SignInMethod
} from '../db/schema';
import { nameForFirm } from '../packets/contacts';
import { isVersionApproved, standingApprovalOf } from '../review/approval';
import { versionDocuments } from '../review/evidence';

export interface CertificateApproval {
  decisionId: string;
  /** The contact's name as the firm knows it ('' when it gave none). */
  name: string;
  email: string;
  at: Date;
  ip: string | null;
  userAgent: string | null;
  signInMethod: SignInMethod | null;
  consent: string | null;
}

export interface CertificateEvent {
  at: Date;
  /** Who, as the firm names them: a member's name, a contact's name, else their address. */
  actor: string;
  action: string;
  data: Record<string, unknown> | null;
}

export interface CertificateData {
  packetId: string;
  version: number;
  firm: {
    id: string;
    name: string;
    timeZone: string;
    approvalRule: ApprovalRule;
    /** The firm's logo column (firm/logo-key.ts) when the certificate is drawn. */
    logo: string | null;
  };
  client: { name: string; code: string };
  /** Title and period as published in this version. */
  title: string;
  period: string;
  publishedAt: Date;
  /** When the version became approved under the firm's rule: the certificate's own date. */
  signedOffAt: Date;
  approvals: CertificateApproval[];
  documents: DecidedDocument[];
  events: CertificateEvent[];
}

/** The certificate of an approved version, or null when the version is not (or no longer) approved. */
export async function loadCertificateData(
  db: Db,
  packetId: string,
  version: number
): Promise<CertificateData | null> {
  const [head] = await db
    .select({ packet, firm, client, snapshot: packetVersion })
    .from(packet)
    .innerJoin(firm, eq(firm.id, packet.firmId))
    .innerJoin(client, eq(client.id, packet.clientId))
    .innerJoin(
      packetVersion,
      and(eq(packetVersion.packetId, packet.id), eq(packetVersion.version, version))
    )
    .where(eq(packet.id, packetId));
  if (!head || !(await isVersionApproved(db, packetId, version))) return null;

  const standing = await db
    .select({
      decisionId: decision.id,
      contactName: clientContact.name,
      userName: user.name,
      email: user.email,
      at: decision.at,
      ip: decision.ip,
      userAgent: decision.userAgent,
      signInMethod: decision.signInMethod,
      consent: decision.consent,
      documents: decision.documents
    })
    .from(decision)
    .innerJoin(clientContact, eq(clientContact.id, decision.contactId))
    .innerJoin(user, eq(user.id, clientContact.userId))
    .where(standingApprovalOf(packetId, version))
    .orderBy(asc(decision.at), asc(decision.id));
  if (standing.length === 0) return null;
  const signing = head.firm.approvalRule === 'all' ? standing.at(-1)! : standing[0];
  const signedOff = standing.filter((a) => a.at.getTime() <= signing.at.getTime());

  const documents = uniqueDocuments(signedOff.flatMap((a) => a.documents ?? []));
  return {
    packetId,
    version,
    firm: {
      id: head.firm.id,
      name: head.firm.name,
      timeZone: head.firm.timeZone,
      approvalRule: head.firm.approvalRule,
      logo: head.firm.logo
    },
    client: { name: head.client.name, code: head.client.code },
    title: head.snapshot.title,
    period: head.snapshot.period,
    publishedAt: head.snapshot.publishedAt,
    signedOffAt: signing.at,
    approvals: signedOff.map((a) => ({
      decisionId: a.decisionId,
      name: a.contactName || a.userName,
      email: a.email,
      at: a.at,
      ip: a.ip,
      userAgent: a.userAgent,
      signInMethod: a.signInMethod,
      consent: a.consent
    })),
    // Approvals recorded before evidence was kept carry no documents: the version's own rows
    // (with the SHA-256 computed at upload) say the same.
    documents: documents.length ? documents : await versionDocuments(db, packetId, version),
    events: await versionEvents(
      db,
      head.packet,
      version,
      head.snapshot.publishedAt,
      signing.decisionId
    )
  };
}

/** Each document once (approvals of one version name the same ones), in the order first named. */
function uniqueDocuments(documents: DecidedDocument[]): DecidedDocument[] {
  const seen = new Set<string>();
  return documents.filter((d) => {
    const key = `${d.id}:${d.sha256}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * What a certificate's trail shows: what happened to this version on the client's side and in
 * its mail, each naming the version, plus the emailed links opened after its publish. Staff
 * work on the packet (a document staged for the next version, a rename) has no version and is
 * not the client's to read: it stays on the audit log, out of the certificate.
 */
const VERSION_EVENTS = [
  'packet.published',
  'packet.republished',
  'packet.sent_to_contact',
  'packet.reminded',
  'email.sent',
  'email.delivered',
  'email.delayed',
  'email.bounced',
  'email.complained',
  'email.failed',
  'email.given_up',
  'document.viewed',
  'packet.question_asked',
  'packet.declined',
  'decision.withdrawn',
  'packet.approved'
];

/**
 * The packet's audit events of the version up to its sign-off: the client-side and mail events
 * naming the version (VERSION_EVENTS), and emailed links opened since its publish. The cut-off is the signing decision's
 * own timestamp, compared in SQL: a JavaScript Date would drop its microseconds.
 */
async function versionEvents(
  db: Db,
  p: { id: string; firmId: string; clientId: string },
  version: number,
  publishedAt: Date,
  signingDecisionId: string
): Promise<CertificateEvent[]> {
  const signedOffAt = sql`(select sd.at from decision sd where sd.id = ${signingDecisionId})`;
  const rows = await db
    .select({
      at: auditEvent.at,
      action: auditEvent.action,
      data: auditEvent.data,
      actorName: nameForFirm,
      actorEmail: user.email
    })
    .from(auditEvent)
    .leftJoin(user, eq(user.id, auditEvent.actorId))
    .leftJoin(
      membership,
      and(eq(membership.userId, auditEvent.actorId), eq(membership.firmId, p.firmId))
    )
    .leftJoin(
      clientContact,
      and(eq(clientContact.userId, auditEvent.actorId), eq(clientContact.clientId, p.clientId))
    )
    .where(
      and(
        eq(auditEvent.firmId, p.firmId),
        eq(auditEvent.subject, `packet:${p.id}`),
        lte(auditEvent.at, signedOffAt),
        inArray(auditEvent.action, [...VERSION_EVENTS, 'auth.link_used']),
        or(
          sql`(${auditEvent.data}->>'version') = ${String(version)}`,
          and(eq(auditEvent.action, 'auth.link_used'), gte(auditEvent.at, publishedAt))
        )
      )
    )
    .orderBy(asc(auditEvent.at), asc(auditEvent.id));
  return rows.map((r) => ({
    at: r.at,
    actor: r.actorName || r.actorEmail || 'Sheaf',
    action: r.action,
    data: (r.data ?? null) as Record<string, unknown> | null
  }));
}
