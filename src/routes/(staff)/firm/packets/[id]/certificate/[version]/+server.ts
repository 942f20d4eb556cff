import { error } from '@sveltejs/kit';
import { requireStaffPacket } from '$lib/server/auth/guards';
import { getDb } from '$lib/server/db/client';
import {
  certificateResponse,
  issueCertificate,
  parseVersion
} from '$lib/server/certificates/certificates';
import type { RequestHandler } from './$types';

/** The sign-off certificate of an approved version, for the firm's staff. */
export const GET: RequestHandler = async (event) => {
  const { packet } = await requireStaffPacket(event, event.params.id);
  const version = parseVersion(event.params.version);
  if (version === null) error(404, 'Not found');
  const issued = await issueCertificate(getDb(), packet.id, version);
  if (!issued) error(404, 'Not found');
  return certificateResponse(issued);
};
