import { json } from '@sveltejs/kit';
import { offlineKey } from '$lib/server/offline-key';
import type { RequestHandler } from './$types';

// The browser asks on each online start whose device data it may keep: 200 with the signed-in
// user's offline key, or 401 when the session has ended (signed out elsewhere, expired), in
// which case the app removes that user's saved packets.
export const GET: RequestHandler = ({ locals }) => {
  const headers = { 'Cache-Control': 'no-store' };
  if (!locals.user) return json({ signedIn: false }, { status: 401, headers });
  return json({ signedIn: true, key: offlineKey(locals.user.id) }, { headers });
};
