import { json } from '@sveltejs/kit';
import { getDb } from '$lib/server/db/client';
import { publishPacket, PublishError } from '$lib/server/packets/publish';
import { requireSameOrigin } from '$lib/server/http/same-origin';
import { requireStaffPacket } from '$lib/server/auth/guards';
import type { RequestHandler } from './$types';

/** Publish as JSON (bulk publish); the packet page uses its ?/publish form action. */
export const POST: RequestHandler = async (event) => {
  const { firm, user, packet } = await requireStaffPacket(event, event.params.id);
  requireSameOrigin(event);
  try {
    const result = await publishPacket(getDb(), firm, packet.id, user.id);
    return json(result);
  } catch (error) {
    if (error instanceof PublishError) return json({ error: error.message }, { status: 400 });
    throw error;
  }
};
