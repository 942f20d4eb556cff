// Issuing sign-off certificates: each download draws the certificate afresh from the rows, and
// the first one records its SHA-256 so a file can later be verified as the one the firm issued.
import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/client';
import { certificate, decision, firm, packet, type Certificate } from '../db/schema';
import { versionApproved } from '../review/approval';
import { fileSha256 } from '../storage/sha256';
import { getBlobStore, newBlobKey, readBlob, type BlobStore } from '../storage';
import { privateFileHeaders } from '../review/files';
import { contentDisposition } from '../http/file-headers';
import { loadCertificateData, type CertificateData } from './certificate-data';
import { certificateFilename, renderCertificate } from './render';
import { readLogoPng } from '../firm/logo';

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
 * approved under the firm's rule. The first call draws it, stores the file and records its
 * SHA-256; every later one serves that same file, so a name edited since (or a newer library
 * drawing the text a little differently) never makes a second certificate of one version.
 */
export async function issueCertificate(
  db: Db,
  packetId: string,
  version: number
): Promise<IssuedCertificate | null> {
  const data = await loadCertificateData(db, packetId, version);
  if (!data) return null;
  const filename = certificateFilename(data);
  const store = getBlobStore();
  const stored = await storedCertificate(db, store, packetId, version);
  if (stored) return { ...stored, filename, data };

  // The logo as it is at the first issue: the file is kept, so a logo changed later never
  // changes an issued certificate.
  const bytes = await renderCertificate(data, await readLogoPng(store, data.firm.logo, 256));
  const sha256 = fileSha256(bytes);
  const blobKey = newBlobKey();
  await store.put(blobKey, bytes);
  const [inserted] = await db
    .insert(certificate)
    .values({
      firmId: data.firm.id,
      packetId,
      version,
      sha256,
      bytes: bytes.byteLength,
      blobKey
    })
    .onConflictDoNothing({ target: [certificate.packetId, certificate.version] })
    .returning();
  if (inserted) return { bytes, sha256, filename, data, recorded: inserted };
  const winner = await storedCertificate(db, store, packetId, version);
  if (winner) {
    // Two first downloads at once: the other one recorded first; serve its file, drop ours.
    await store.delete(blobKey).catch(() => {});
    return { ...winner, filename, data };
  }
  // Recorded before files were kept (migration 0010): this file is kept from now on.
  const [kept] = await db
    .update(certificate)
    .set({ blobKey, sha256, bytes: bytes.byteLength })
    .where(
      and(
        eq(certificate.packetId, packetId),
        eq(certificate.version, version),
        isNull(certificate.blobKey)
      )
    )
    .returning();
  if (kept) return { bytes, sha256, filename, data, recorded: kept };
  await store.delete(blobKey).catch(() => {});
  const latest = await storedCertificate(db, store, packetId, version);
  if (!latest) throw new Error(`certificate of packet ${packetId} v${version} vanished`);
  return { ...latest, filename, data };
}

/** The file issued first for the version, with its row; null before the first issue. */
async function storedCertificate(db: Db, store: BlobStore, packetId: string, version: number) {
  const [recorded] = await db
    .select()
    .from(certificate)
    .where(and(eq(certificate.packetId, packetId), eq(certificate.version, version)));
  if (!recorded?.blobKey) return null;
  const bytes = await readBlob(store, recorded.blobKey);
  return { bytes, sha256: recorded.sha256, recorded };
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
