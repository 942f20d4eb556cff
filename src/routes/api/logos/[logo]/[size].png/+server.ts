// A firm's logo at one of its fixed sizes. Public: mail apps fetch it without cookies, and a logo
// is no secret; its id is random and new with each upload, so the URL names one image for ever
// (immutable caching) and cannot be guessed to list firms. An unknown or removed logo is a 404.
import { error } from '@sveltejs/kit';
import { isLogoHeight, logoBlobKey, logoOfUrlSegment } from '$lib/server/firm/logo-key';
import { getBlobStore, readBlob } from '$lib/server/storage';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ params }) => {
  const logo = logoOfUrlSegment(params.logo);
  const height = Number(params.size);
  if (!logo || !/^\d{2,3}$/.test(params.size) || !isLogoHeight(height)) error(404, 'Not found');
  const store = getBlobStore();
  const key = logoBlobKey(logo, height);
  if (!(await store.exists(key))) error(404, 'Not found');
  const png = await readBlob(store, key);
  return new Response(png as Uint8Array<ArrayBuffer>, {
    headers: {
      'Content-Type': 'image/png',
      'Content-Length': String(png.byteLength),
      'Cache-Control': 'public, max-age=31536000, immutable',
      'X-Content-Type-Options': 'nosniff',
      // Drawn by Sheaf, but served as if it were not: no script runs even if opened as a page.
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'Cross-Origin-Resource-Policy': 'cross-origin'
    }
  });
};
