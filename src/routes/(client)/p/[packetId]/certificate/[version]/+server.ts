import { error } from '@sveltejs/kit';
import { requireContact } from '$lib/server/auth/guards';
import { getDb } from '$lib/server/db/client';
import {
  certificateResponse,
  issueCertificate,
  listCertifiedVersions,
  parseVersion
} from '$lib/server/certificates/certificates';
import type { RequestHandler } from './$types';

/**
 * The sign-off certificate of an approved version, for a contact who approved it (archived
 * packets too). Anyone else, and any version not approved, gets the same 404.
 */
export const GET: RequestHandler = async (event) => {
  const { packet, contact } = await requireContact(event, event.params.packetId);
  const version = parseVersion(event.params.version);
  if (version === null) error(404, 'Not found');
  const db = getDb();
  if (!(await listCertifiedVersions(db, packet.id, contact.id)).includes(version)) {
    error(404, 'Not found');
  }
  const issued = await issueCertificate(db, packet.id, version);
  if (!issued) error(404, 'Not found');
  return certificateResponse(issued);
};
