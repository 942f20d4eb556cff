import { json } from '@sveltejs/kit';
import { getConfig } from '$lib/server/config';
import { getDb } from '$lib/server/db/client';
import { addPacketDocument } from '$lib/server/packets/documents';
import { readBodyLimited } from '$lib/server/http/read-body';
import { requireSameOrigin } from '$lib/server/http/same-origin';
import { requireStaffPacket } from '$lib/server/auth/guards';
import { mbToBytes, tooLargeReason } from '$lib/server/pdf/validate';
import type { RequestHandler } from './$types';

const ACCEPTED = ['application/pdf', 'application/octet-stream'];

/**
 * One PDF per request, as the raw body (so the browser can show upload progress), with its name
 * in `X-Filename` (URI-encoded). Answers 201 {document} or 4xx {error} naming the file.
 */
export const POST: RequestHandler = async (event) => {
  const { user, packet } = await requireStaffPacket(event, event.params.id);
  const { request } = event;
  requireSameOrigin(event);
  const type = (request.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  let filename = 'document.pdf';
  try {
    filename = decodeURIComponent(request.headers.get('x-filename') ?? '') || filename;
  } catch {
    /* keep the default */
  }
  if (!ACCEPTED.includes(type)) {
    return json({ error: `"${filename}" is not a PDF.` }, { status: 415 });
  }
  const maxBytes = mbToBytes(getConfig().MAX_UPLOAD_MB);
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    return json({ error: tooLargeReason(filename, declared, maxBytes) }, { status: 413 });
  }
  // No Content-Length (chunked) or a lying one: stop reading at the limit.
  const body = await readBodyLimited(request.body, maxBytes);
  if (!body.ok && body.reason === 'too-large') {
    const limit = getConfig().MAX_UPLOAD_MB;
    return json(
      { error: `"${filename}" is larger than ${limit} MB; the limit is ${limit} MB per file.` },
      { status: 413 }
    );
  }
  if (!body.ok) {
    return json({ error: `"${filename}" arrived too slowly; please try again.` }, { status: 408 });
  }
  const bytes = body.bytes;
  const result = await addPacketDocument(getDb(), {
    packet,
    filename,
    bytes,
    maxBytes,
    actorId: user.id
  });
  if (!result.ok) return json({ error: result.reason }, { status: result.status });
  const d = result.document;
  return json(
    {
      document: {
        id: d.id,
        filename: d.filename,
        bytes: d.bytes,
        pages: d.pages,
        version: d.version
      }
    },
    { status: 201 }
  );
};
