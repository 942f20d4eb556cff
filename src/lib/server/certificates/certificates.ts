// Issuing sign-off certificates: each download draws the certificate afresh from the rows, and
// the first one records its SHA-256 so a file can later be verified as the one the firm issued.
import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/client';
import { certificate, decision, firm, packet, type Certificate } from '../db/schema';
import { versionApproved } from '../review/approval';
import { fileSha256 } from '../storage/sha256';
import { privateFileHeaders } from '../review/files';
import { contentDisposition } from '../http/file-headers';
import { loadCertificateData, type CertificateData } from './certificate-data';
import { certificateFilename, renderCertificate } from './render';

export interface IssuedCertificate {
  bytes: Uint8Array;
  sha256: string;
  filename: string;
  data: CertificateData;
  /** The row recorded when the certificate was first issued. */
  recorded: Certificate;
}

/**
 * The certificate of an approved version of the packet, or null when that version is not
 * approved under the firm's rule. The first call records the certificate's SHA-256 and size.
 */
export async function issueCertificate(
  db: Db,
  packetId: string,
  version: number
): Promise<IssuedCertificate | null> {
  const data = await loadCertificateData(db, packetId, version);
  if (!data) return null;
  const bytes = await renderCertificate(data);
  const sha256 = fileSha256(bytes);
  const recorded = await recordCertificate(db, data, sha256, bytes.byteLength);
  if (recorded.sha256 !== sha256) {
    // Served all the same: the file is drawn from the rows as they stand, and refusing it would
    // leave the firm and its client without any certificate. A difference means a row it is drawn
    // from changed after the first issue (a name edited, the signing approval withdrawn while
    // another still stands); the recorded hash still verifies the file issued first, and this
    // line is the operator's cue to find out what changed.
    console.error(
      `[certificate] packet ${packetId} version ${version}: this download's SHA-256 ${sha256} ` +
        `differs from the one recorded at first issue (${recorded.sha256}, ` +
        `${recorded.createdAt.toISOString()}); the rows it is drawn from changed since`
    );
  }
  return { bytes, sha256, filename: certificateFilename(data), data, recorded };
}

/** The first issue's row; two first downloads at once record one (the unique packet+version). */
async function recordCertificate(db: Db, data: CertificateData, sha256: string, bytes: number) {
  const [inserted] = await db
    .insert(certificate)
    .values({ firmId: data.firm.id, packetId: data.packetId, version: data.version, sha256, bytes })
    .onConflictDoNothing({ target: [certificate.packetId, certificate.version] })
    .returning();
  if (inserted) return inserted;
  const [existing] = await db
    .select()
    .from(certificate)
    .where(and(eq(certificate.packetId, data.packetId), eq(certificate.version, data.version)));
  return existing;
}

/**
 * The versions of the packet approved under the firm's rule, newest first: those with a
 * certificate. With `contactId`, only those that contact approved (and has not withdrawn).
 */
export async function listCertifiedVersions(
  db: Db,
  packetId: string,
  contactId?: string
): Promise<number[]> {
  const ref = { id: packet.id, version: decision.version, clientId: packet.clientId };
  const rows = await db
    .selectDistinct({
      version: decision.version,
      approved: versionApproved(ref, firm.approvalRule)
    })
    .from(decision)
    .innerJoin(packet, eq(packet.id, decision.packetId))
    .innerJoin(firm, eq(firm.id, packet.firmId))
    .where(
      and(
        eq(decision.packetId, packetId),
        eq(decision.kind, 'approve'),
        isNull(decision.withdrawnAt),
        contactId ? eq(decision.contactId, contactId) : undefined
      )
    )
    .orderBy(desc(decision.version));
  return rows.filter((r) => r.approved).map((r) => r.version);
}

/** A version number from a URL segment ("1".."999999999"), or null. */
export function parseVersion(segment: string): number | null {
  return /^[1-9]\d{0,8}$/.test(segment) ? Number(segment) : null;
}

/** The download: a PDF attachment, private to the browser that asked. */
export function certificateResponse(issued: IssuedCertificate): Response {
  const headers = privateFileHeaders('application/pdf', `"${issued.sha256}"`, {
    'Content-Disposition': contentDisposition(issued.filename, true),
    'Content-Length': String(issued.bytes.byteLength)
  });
  return new Response(issued.bytes as Uint8Array<ArrayBuffer>, { headers });
}
