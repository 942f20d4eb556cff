import { error } from '@sveltejs/kit';
import { isUuid } from '$lib/server/auth/guards';
import { getDb } from '$lib/server/db/client';
import { getPacketDocument } from '$lib/server/packets/documents';
import { requireStaffPacket } from '$lib/server/packets/staff-access';
import { getBlobStore } from '$lib/server/storage';
import type { RequestHandler } from './$types';

/** The PDF for staff, opened from the packet page; the client side uses /api/files. */
export const GET: RequestHandler = async (event) => {
  const { packet } = await requireStaffPacket(event, event.params.id);
  if (!isUuid(event.params.docId)) error(404, 'Not found');
  const doc = await getPacketDocument(getDb(), packet.id, event.params.docId);
  if (!doc) error(404, 'Not found');
  const body = await getBlobStore().get(doc.blobKey);
  return new Response(body, {
    headers: {
      'Content-Type': 'application/pdf',
      'Content-Length': String(doc.bytes),
      'Content-Disposition': `inline; filename*=UTF-8''${encodeURIComponent(doc.filename)}`,
      'Content-Security-Policy': 'sandbox',
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'private, max-age=3600',
      ETag: `"${doc.sha256}"`
    }
  });
};
