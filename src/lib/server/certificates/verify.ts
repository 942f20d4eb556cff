// Verifying a sign-off certificate: is this file one the firm issued (its SHA-256 is a recorded
// certificate's), which packet and version is it, and does every document it names still match
// the file the firm holds (each blob's SHA-256 computed again from storage)? The file is never
// parsed as a PDF: its hash decides, and the Keywords it claims are read as plain bytes, so a
// hostile upload gets no further than a hash and a search.
import { and, asc, eq, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client';
import {
  certificate,
  client,
  decision,
  document,
  packet,
  packetVersion,
  type DecidedDocument
} from '../db/schema';
import { versionDocuments } from '../review/evidence';
import { fileSha256 } from '../storage/sha256';
import { BlobNotFoundError, readBlob, type BlobStore } from '../storage';
import { packetHeading } from '../../format/periods';
import { CERTIFICATE_KEYWORD } from './render';
import { isVersionApproved } from '../review/approval';

export interface IssuedPacket {
  packetId: string;
  version: number;
  title: string;
  period: string;
  clientName: string;
}

export interface DocumentCheck {
  id: string;
  name: string;
  /** As approved (computed at upload). */
  sha256: string;
  /** matches: the stored file hashes the same; changed: it does not; missing: no file. */
  state: 'matches' | 'changed' | 'missing';
}

export type CertificateVerdict =
  | { kind: 'not_pdf' }
  | { kind: 'unknown' }
  | ({ kind: 'altered' } & IssuedPacket)
  | ({
      kind: 'genuine';
      issuedAt: Date;
      sha256: string;
      documents: DocumentCheck[];
      /** False once an approval it records was withdrawn and the version no longer counts. */
      stillApproved: boolean;
    } & IssuedPacket);

/**
 * What the file is, among the certificates of `firmId` (the staff page: only the signed-in
 * member's firm) or of every firm (the CLI, run by whoever runs the server).
 */
export async function verifyCertificate(
  db: Db,
  store: BlobStore,
  bytes: Uint8Array,
  firmId: string | null
): Promise<CertificateVerdict> {
  if (!startsWithPdfHeader(bytes)) return { kind: 'not_pdf' };
  const inFirm = (where: SQL | undefined) =>
    firmId ? and(where, eq(certificate.firmId, firmId)) : where;
  const sha256 = fileSha256(bytes);
  const [issued] = await db
    .select()
    .from(certificate)
    .where(inFirm(eq(certificate.sha256, sha256)))
    .orderBy(asc(certificate.createdAt))
    .limit(1);
  if (issued) {
    const named = await issuedPacket(db, issued.packetId, issued.version);
    if (!named) return { kind: 'unknown' };
    return {
      kind: 'genuine',
      ...named,
      issuedAt: issued.createdAt,
      sha256,
      documents: await checkDocuments(db, store, issued.packetId, issued.version),
      stillApproved: await isVersionApproved(db, issued.packetId, issued.version)
    };
  }
  const claim = readCertificateClaim(bytes);
  if (!claim) return { kind: 'unknown' };
  const [claimed] = await db
    .select({ id: certificate.id })
    .from(certificate)
    .where(
      inFirm(and(eq(certificate.packetId, claim.packetId), eq(certificate.version, claim.version)))
    );
  const named = claimed ? await issuedPacket(db, claim.packetId, claim.version) : null;
  return named ? { kind: 'altered', ...named } : { kind: 'unknown' };
}

function startsWithPdfHeader(bytes: Uint8Array): boolean {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 1024));
  return head.includes('%PDF-');
}

/**
 * The packet and version a file says it is the certificate of, from its Keywords
 * ("sheaf-certificate packet:<id> version:<n>"), or null. pdf-lib writes the Info strings as
 * UTF-16 hex (`<FEFF…>`); a literal `(…)` is read too.
 */
export function readCertificateClaim(
  bytes: Uint8Array
): { packetId: string; version: number } | null {
  const raw = new TextDecoder('latin1').decode(bytes);
  // Bounded: ours is about 330 hex digits. Unbounded, a hostile upload repeating `/Keywords(`
  // with no `)` made each match scan to the end of the file: minutes of a blocked event loop.
  const keywords = /\/Keywords\s*(?:<([0-9A-Fa-f\s]{0,800})>|\(([^)]{0,400})\))/g;
  for (const m of raw.matchAll(keywords)) {
    const text = m[1] !== undefined ? decodeHexString(m[1]) : m[2];
    const claim = new RegExp(
      `${CERTIFICATE_KEYWORD} packet:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}) version:([1-9]\\d{0,8})\\b`
    ).exec(text);
    if (claim) return { packetId: claim[1], version: Number(claim[2]) };
  }
  return null;
}

function decodeHexString(hex: string): string {
  const clean = hex.replace(/\s/g, '');
  const bytes = new Uint8Array(Math.floor(clean.length / 2));
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  if (bytes[0] === 0xfe && bytes[1] === 0xff)
    return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  return new TextDecoder('latin1').decode(bytes);
}

async function issuedPacket(
  db: Db,
  packetId: string,
  version: number
): Promise<IssuedPacket | null> {
  const [row] = await db
    .select({ title: packetVersion.title, period: packetVersion.period, clientName: client.name })
    .from(packet)
    .innerJoin(client, eq(client.id, packet.clientId))
    .innerJoin(
      packetVersion,
      and(eq(packetVersion.packetId, packet.id), eq(packetVersion.version, version))
    )
    .where(eq(packet.id, packetId));
  return row ? { packetId, version, ...row } : null;
}

/** The documents the version's approvals name (the certificate's), each checked against its file. */
async function checkDocuments(
  db: Db,
  store: BlobStore,
  packetId: string,
  version: number
): Promise<DocumentCheck[]> {
  const approvals = await db
    .select({ documents: decision.documents })
    .from(decision)
    .where(
      and(
        eq(decision.packetId, packetId),
        eq(decision.version, version),
        eq(decision.kind, 'approve')
      )
    )
    .orderBy(asc(decision.at));
  const named = new Map<string, DecidedDocument>();
  for (const d of approvals.flatMap((a) => a.documents ?? [])) {
    if (!named.has(`${d.id}:${d.sha256}`)) named.set(`${d.id}:${d.sha256}`, d);
  }
  const documents = named.size
    ? [...named.values()]
    : await versionDocuments(db, packetId, version);
  const checks: DocumentCheck[] = [];
  for (const d of documents) {
    const [row] = await db
      .select({ blobKey: document.blobKey })
      .from(document)
      .where(and(eq(document.id, d.id), eq(document.packetId, packetId)));
    checks.push({
      id: d.id,
      name: d.name,
      sha256: d.sha256,
      state: await blobState(store, row?.blobKey, d.sha256)
    });
  }
  return checks;
}

async function blobState(store: BlobStore, blobKey: string | undefined, sha256: string) {
  if (!blobKey) return 'missing' as const;
  try {
    return fileSha256(await readBlob(store, blobKey)) === sha256
      ? ('matches' as const)
      : ('changed' as const);
  } catch (error) {
    if (error instanceof BlobNotFoundError) return 'missing' as const;
    throw error;
  }
}

/** The verdict in one sentence, for the verify page and the CLI. */
export function verdictHeadline(verdict: CertificateVerdict, issuer = 'this firm'): string {
  switch (verdict.kind) {
    case 'not_pdf':
      return 'This file is not a PDF, so it is not a sign-off certificate.';
    case 'unknown':
      return `This PDF is not a sign-off certificate ${issuer} issued.`;
    case 'altered':
      return (
        `This file does not match the certificate issued for ${issuedName(verdict)}: ` +
        'it was changed after it was issued.'
      );
    case 'genuine': {
      const changed = verdict.documents.filter((d) => d.state !== 'matches').length;
      const documents =
        changed === 0
          ? 'every document it names still matches the file the firm holds.'
          : `${changed} of the ${verdict.documents.length} documents it names no longer match the files the firm holds.`;
      const since = verdict.stillApproved
        ? ''
        : ' Since it was issued, an approval it records was withdrawn: the version no longer counts as approved.';
      return `This is the certificate issued for ${issuedName(verdict)}, and ${documents}${since}`;
    }
  }
}

/** "Acme Bakery, Q3 2026 · Quarterly review, version 2". */
export function issuedName(p: IssuedPacket): string {
  return `${p.clientName}, ${packetHeading(p.title, p.period)}, version ${p.version}`;
}

export const DOCUMENT_STATE_WORDS: Record<DocumentCheck['state'], string> = {
  matches: 'matches the file the firm holds',
  changed: 'does not match: the file the firm holds has changed',
  missing: 'the firm no longer holds this file'
};
