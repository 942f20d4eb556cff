import { json } from '@sveltejs/kit';
import { getDatabase, pingDatabase } from '$lib/server/db/client';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async () => {
  const ok = await pingDatabase();
  const db = getDatabase().driver;
  return json(ok ? { ok: true, db } : { ok: false, db }, {
    status: ok ? 200 : 503,
    headers: { 'Cache-Control': 'no-store' }
  });
};
