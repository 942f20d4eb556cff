// The Logo section of /firm/settings: upload and remove, owners only, kept beside the page so
// the page's own file only names them. The body is capped at LOGO_BODY_LIMIT by the hooks.
import { fail, type RequestEvent } from '@sveltejs/kit';
import { requireOwner } from '$lib/server/auth/guards';
import { clientMeta } from '$lib/server/auth/request-meta';
import { getDb } from '$lib/server/db/client';
import { removeFirmLogo, setFirmLogo } from '$lib/server/firm/logo';
import { LOGO_TOO_LARGE, MAX_LOGO_BYTES } from '$lib/server/http/limits';
import { getBlobStore } from '$lib/server/storage';

const actorOf = (event: RequestEvent, user: { id: string }) => ({
  id: user.id,
  ...clientMeta(event)
});

export async function uploadLogo(event: RequestEvent) {
  const { firm, user } = await requireOwner(event);
  const file = (await event.request.formData()).get('logo');
  if (!(file instanceof File) || file.size === 0) {
    return fail(400, { action: 'logo', message: 'Choose an image file to upload.' });
  }
  if (file.size > MAX_LOGO_BYTES) return fail(400, { action: 'logo', message: LOGO_TOO_LARGE });
  const bytes = new Uint8Array(await file.arrayBuffer());
  const result = await setFirmLogo(getDb(), getBlobStore(), firm, bytes, actorOf(event, user));
  if (!result.ok) return fail(400, { action: 'logo', message: result.message });
  return { action: 'logo', saved: true as const, message: 'Logo saved.' };
}

export async function removeLogo(event: RequestEvent) {
  const { firm, user } = await requireOwner(event);
  const removed = await removeFirmLogo(getDb(), getBlobStore(), firm, actorOf(event, user));
  return {
    action: 'removeLogo',
    saved: true as const,
    message: removed ? 'Logo removed.' : 'There was no logo.'
  };
}
