import { fail } from '@sveltejs/kit';
import { requireStaff } from '$lib/server/auth/guards';
import { getDb } from '$lib/server/db/client';
import { MAX_CERTIFICATE_BYTES, MB } from '$lib/server/http/limits';
import { getBlobStore } from '$lib/server/storage';
import {
  DOCUMENT_STATE_WORDS,
  verdictHeadline,
  verifyCertificate
} from '$lib/server/certificates/verify';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  await requireStaff(event);
  return { maxMb: MAX_CERTIFICATE_BYTES / MB };
};

export const actions: Actions = {
  /** Checks an uploaded certificate against this firm's certificates only. */
  default: async (event) => {
    const { firm } = await requireStaff(event);
    const file = (await event.request.formData()).get('certificate');
    if (!(file instanceof File) || file.size === 0) {
      return fail(400, { message: 'Choose the certificate PDF to verify.' });
    }
    if (file.size > MAX_CERTIFICATE_BYTES) {
      return fail(400, {
        message: `"${file.name}" is larger than a certificate can be (${MAX_CERTIFICATE_BYTES / MB} MB).`
      });
    }
    const bytes = new Uint8Array(await file.arrayBuffer());
    const verdict = await verifyCertificate(getDb(), getBlobStore(), bytes, firm.id);
    const documents = verdict.kind === 'genuine' ? verdict.documents : [];
    return {
      filename: file.name,
      headline: verdictHeadline(verdict),
      verdict,
      documents: documents.map((d) => ({ ...d, words: DOCUMENT_STATE_WORDS[d.state] }))
    };
  }
};
