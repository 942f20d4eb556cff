import { error, type RequestHandler } from '@sveltejs/kit';
import { etagMatches } from '$lib/server/http/file-headers';
import { privateFileHeaders, readableDocumentOr404 } from '$lib/server/review/files';
import { ensurePreviews, isPreviewWidth, previewKey } from '$lib/server/pdf/preview';
import { getBlobStore } from '$lib/server/storage';

// Page 1 of a document as a WebP picture, for whoever may read the PDF itself (the same
// access check and the same 404 for everyone else). Drawn on first request when the upload did
// not get to it. /api/files/[docId]/page-1/800
export const GET: RequestHandler = async (event) => {
  const width = Number(event.params.width);
  if (!isPreviewWidth(width)) error(404, 'Not found');
  const doc = await readableDocumentOr404(event);

  const etag = `"${doc.sha256}-p1-${width}"`;
  // As private as the PDF: kept on the device, checked with the server before each use.
  const headers = privateFileHeaders('image/webp', etag);
  if (etagMatches(event.request.headers.get('if-none-match'), etag)) {
    return new Response(null, { status: 304, headers });
  }
  const store = getBlobStore();
  const key = previewKey(doc.blobKey, width);
  let size = await store.size(key);
  if (size === null && (await ensurePreviews(doc.blobKey, { width, queue: false }))) {
    size = await store.size(key);
  }
  // The PDF could not be drawn here: the viewer waits for pdf.js instead.
  if (size === null) error(404, 'Not found');
  headers.set('Content-Length', String(size));
  return new Response(await store.get(key), { status: 200, headers });
};
