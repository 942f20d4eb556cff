import { error, fail } from '@sveltejs/kit';
import { isUuid, requireContact } from '$lib/server/auth/guards';
import { getDb } from '$lib/server/db/client';
import { readQuestion, submitQuestion } from '$lib/server/review/question-form';
import { safeBrandColor } from '$lib/server/review/status';
import { listPacketDocuments, recordDocumentView } from '$lib/server/review/views';
import { PDFJS_ASSETS } from '$lib/components/viewer/pdf-loader';
import { earlyRanges } from '$lib/components/viewer/pdf-source';
import pdfBoot from '$lib/components/viewer/pdf-boot.js?url&no-inline';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const { packet, contact, firm } = await requireContact(event, event.params.packetId);
  if (!isUuid(event.params.docId)) error(404, 'Not found');
  const db = getDb();
  const documents = await listPacketDocuments(db, packet.id);
  const doc = documents.find((d) => d.id === event.params.docId);
  if (!doc) error(404, 'Not found');
  // "Save for offline" fetches every viewer page; that is not the contact reading it.
  if (event.request.headers.get('x-sheaf-save') !== '1') {
    await recordDocumentView(db, doc.id, contact);
  }
  const hint = pdfBuildHint(event.request.headers.get('user-agent') ?? '');
  // The boot script, pdf.js, the PDF's first and last chunks and pdf.js's worker are the page's
  // critical path to page 1: the browser hears of them first and asks for them before the app
  // modules SvelteKit lists after them (HTTP/1.1 gives a host six connections; the worker's own
  // fetch would otherwise wait, at the lowest priority, behind all of those). The worker is
  // preloaded as a plain fetch: that fills the HTTP cache its `new Worker()` then reads from.
  const file = `/api/files/${doc.id}`;
  event.locals.earlyLinks = [
    `<${pdfBoot}>; rel="modulepreload"`,
    `<${PDFJS_ASSETS[hint].worker}>; rel="preload"; as="fetch"; crossorigin`,
    `<${PDFJS_ASSETS[hint].lib}>; rel="modulepreload"`,
    ...earlyRanges(doc.bytes).map(
      (r) => `<${file}?range=${r}>; rel="preload"; as="fetch"; crossorigin`
    )
  ];
  return {
    packet: { id: packet.id, title: packet.title, period: packet.period },
    firm: { name: firm.name, brandColor: safeBrandColor(firm.brandColor) },
    document: doc,
    documents: documents.map((d) => ({ id: d.id, filename: d.filename })),
    pdfBuildHint: hint
  };
};

export const actions: Actions = {
  ask: async (event) => {
    const access = await requireContact(event, event.params.packetId);
    if (!isUuid(event.params.docId)) error(404, 'Not found');
    const form = await event.request.formData();
    form.set('documentId', event.params.docId);
    const parsed = readQuestion(form);
    if (!parsed.ok) return fail(400, parsed.failure);
    return submitQuestion(access, parsed.question);
  }
};

/**
 * Which pdf.js build to hint in <head>, guessed from the user agent: the modern one only for a
 * recent Chromium (not on iOS, where every browser is WebKit). A wrong guess costs one wasted
 * download; the viewer itself feature-detects.
 */
function pdfBuildHint(ua: string): 'modern' | 'legacy' {
  const chrome = /(?:Chrome|Chromium)\/(\d+)/.exec(ua);
  if (!chrome || /iPhone|iPad|iPod|CriOS|EdgiOS|FxiOS/.test(ua)) return 'legacy';
  return Number(chrome[1]) >= 145 ? 'modern' : 'legacy';
}
