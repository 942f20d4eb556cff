// What a decision carries as proof (DESIGN.md, "A decision names its version"): where the
// request came from, how its contact signed in, and every document of the version with the
// SHA-256 computed when it was uploaded. The consent wording is the confirm sheet's own.
import type { RequestEvent } from '@sveltejs/kit';
import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { document, type DecidedDocument, type SignInMethod } from '../db/schema';
import { requestMeta } from '../auth/request-meta';
import { inPublishedVersion } from './published';

export interface RequestEvidence {
  ip: string | null;
  userAgent: string | null;
  /** Null for a session started before the method was recorded. */
  signInMethod: SignInMethod | null;
}

/** The request's address (through the configured proxy header), browser and sign-in method. */
export function requestEvidence(event: RequestEvent): RequestEvidence {
  return { ...requestMeta(event), signInMethod: event.locals.session?.signInMethod ?? null };
}

/** Every document of published version `version`, as its contacts see it, with its fingerprint. */
export async function versionDocuments(
  db: Db,
  packetId: string,
  version: number
): Promise<DecidedDocument[]> {
  const rows = await db
    .select({
      id: document.id,
      displayName: document.displayName,
      filename: document.filename,
      pages: document.pages,
      bytes: document.bytes,
      sha256: document.sha256
    })
    .from(document)
    .where(and(eq(document.packetId, packetId), inPublishedVersion(version)))
    .orderBy(asc(document.position), asc(document.createdAt));
  return rows.map(({ displayName, ...d }) => ({ ...d, name: displayName || d.filename }));
}

/**
 * The columns a decision row stores as its evidence. `consent` words what the contact confirmed
 * for the version's number of documents; a question confirms nothing and passes none.
 */
export async function decisionEvidence(
  db: Db,
  packet: { id: string; version: number },
  request: RequestEvidence,
  consent?: (documents: number) => string
) {
  const documents = await versionDocuments(db, packet.id, packet.version);
  return {
    ip: request.ip,
    userAgent: request.userAgent,
    signInMethod: request.signInMethod,
    consent: consent ? consent(documents.length) : null,
    documents
  };
}
