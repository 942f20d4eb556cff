/** True when an If-None-Match header names this strong ETag (or is `*`). */
export function etagMatches(header: string | null, etag: string): boolean {
  if (!header) return false;
  return header
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .some((t) => t === '*' || t === etag);
}

/**
 * A Content-Disposition value with an ASCII fallback name and the UTF-8 original; the name
 * always ends in `.extension` (a PDF unless told).
 */
export function contentDisposition(filename: string, download: boolean, extension = 'pdf'): string {
  const cleaned = filename.replace(/[\\/\r\n\t\0]/g, '_').trim() || `document.${extension}`;
  const withExt = cleaned.toLowerCase().endsWith(`.${extension}`)
    ? cleaned
    : `${cleaned}.${extension}`;
  const ascii = withExt.replace(/[^\x20-\x7e]/g, '_').replace(/["%;]/g, '_');
  const encoded = encodeURIComponent(withExt).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`
  );
  return `${download ? 'attachment' : 'inline'}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** A CSV download: the stream as an attachment, never cached (it may hold personal data). */
export function csvDownload(body: ReadableStream<Uint8Array>, filename: string): Response {
  return new Response(body, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8; header=present',
      'Content-Disposition': contentDisposition(filename, true, 'csv'),
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff'
    }
  });
}
