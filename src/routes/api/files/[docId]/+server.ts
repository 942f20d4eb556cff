import type { RequestHandler } from '@sveltejs/kit';
import { getBlobStore } from '$lib/server/storage';
import { parseRange } from '$lib/format/byte-range';
import { contentDisposition, etagMatches } from '$lib/server/http/file-headers';
import { privateFileHeaders, readableDocumentOr404 } from '$lib/server/review/files';

// The PDF bytes after an access check. Range support lets pdf.js paint page 1 before the whole
// file arrives; the sandbox CSP keeps a PDF opened directly from running anything as this origin.
async function serveDocument(event: Parameters<RequestHandler>[0], withBody: boolean) {
  const { request, url } = event;
  const doc = await readableDocumentOr404(event);

  const size = doc.bytes;
  const etag = `"${doc.sha256}"`;
  const headers = privateFileHeaders('application/pdf', etag, {
    'Accept-Ranges': 'bytes',
    'Content-Disposition': contentDisposition(doc.filename, url.searchParams.has('download'))
  });

  if (etagMatches(request.headers.get('if-none-match'), etag)) {
    return new Response(null, { status: 304, headers });
  }

  const ifRange = request.headers.get('if-range');
  const range =
    ifRange && ifRange.trim() !== etag
      ? ({ kind: 'full' } as const)
      : parseRange(request.headers.get('range'), size);

  if (range.kind === 'unsatisfiable') {
    headers.set('Content-Range', `bytes */${size}`);
    headers.delete('Content-Disposition');
    return new Response(null, { status: 416, headers });
  }
  const store = getBlobStore();
  if (range.kind === 'partial') {
    headers.set('Content-Range', `bytes ${range.start}-${range.end}/${size}`);
    headers.set('Content-Length', String(range.end - range.start + 1));
    const body = withBody ? await store.get(doc.blobKey, range) : null;
    return new Response(body, { status: 206, headers });
  }
  headers.set('Content-Length', String(size));
  const body = withBody ? await store.get(doc.blobKey) : null;
  return new Response(body, { status: 200, headers });
}

export const GET: RequestHandler = (event) => serveDocument(event, true);
export const HEAD: RequestHandler = (event) => serveDocument(event, false);
