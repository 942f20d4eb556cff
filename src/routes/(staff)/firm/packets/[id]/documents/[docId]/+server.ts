import { error } from '@sveltejs/kit';
import { isUuid, requireStaffPacket } from '$lib/server/auth/guards';
import { getDb } from '$lib/server/db/client';
import { getPacketDocument } from '$lib/server/packets/documents';
import { contentDisposition, etagMatches } from '$lib/server/http/file-headers';
import { privateFileHeaders } from '$lib/server/review/files';
import { getBlobStore } from '$lib/server/storage';
import type { RequestHandler } from './$types';

/** The PDF for staff, opened from the packet page; the client side uses /api/files. */
export const GET: RequestHandler = async (event) => {
  const { packet } = await requireStaffPacket(event, event.params.id);
  if (!isUuid(event.params.docId)) error(404, 'Not found');
  const doc = await getPacketDocument(getDb(), packet.id, event.params.docId);
  if (!doc) error(404, 'Not found');
  const etag = `"${doc.sha256}"`;
  const headers = privateFileHeaders('application/pdf', etag, {
    'Content-Disposition': contentDisposition(doc.filename, false)
  });
  if (etagMatches(event.request.headers.get('if-none-match'), etag)) {
    return new Response(null, { status: 304, headers });
  }
  headers.set('Content-Length', String(doc.bytes));
  return new Response(await getBlobStore().get(doc.blobKey), { headers });
};
