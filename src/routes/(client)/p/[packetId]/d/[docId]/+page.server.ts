import { error, fail } from '@sveltejs/kit';
import { isUuid, requireContact } from '$lib/server/auth/guards';
import { getDb } from '$lib/server/db/client';
import { readQuestion, submitQuestion } from '../../question-form.server';
import { safeBrandColor } from '$lib/server/review/status';
import { requestMeta } from '$lib/server/auth/request-meta';
import { requestEvidence } from '$lib/server/review/evidence';
import { viewPublishedDocument } from '$lib/server/review/views';
import pdfBoot from '$lib/components/viewer/pdf-boot.js?url&no-inline';
import { PREVIEW_SIZES, previewSrcset } from '$lib/components/viewer/page-fit';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const { packet, contact, firm } = await requireContact(event, event.params.packetId);
  if (!isUuid(event.params.docId)) error(404, 'Not found');
  const documents = await viewPublishedDocument(getDb(), {
    packet,
    contact,
    documentId: event.params.docId,
    // "Save for offline" fetches every viewer page; that is not the contact reading it.
    record: event.request.headers.get('x-sheaf-save') !== '1',
    request: requestMeta(event)
  });
  const doc = documents.find((d) => d.id === event.params.docId);
  if (!doc) error(404, 'Not found');
  const hint = pdfBuildHint(event.request.headers.get('user-agent') ?? '');
  // Page 1's picture is what the reader sees first, then the boot script starts pdf.js: the
  // browser hears of both before it reads the HTML, the picture first.
  const picture = `/api/files/${doc.id}/page-1`;
  event.locals.earlyLinks = [
    `<${picture}/800>; rel="preload"; as="image"; fetchpriority="high"; imagesrcset="${previewSrcset(picture)}"; imagesizes="${PREVIEW_SIZES}"`,
    `<${pdfBoot}>; rel="modulepreload"`
  ];
  event.locals.pictureFirst = true;
  return {
    packet: { id: packet.id, title: packet.title, period: packet.period, version: packet.version },
    firm: { name: firm.name, brandColor: safeBrandColor(firm.brandColor) },
    document: doc,
    documents: documents.map((d) => ({ id: d.id, displayName: d.displayName })),
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
    return submitQuestion(access, parsed.question, requestEvidence(event));
  }
};

/**
 * Which pdf.js build the page's boot script loads, guessed from the user agent: the modern one
 * only for a recent Chromium (not on iOS, where every browser is WebKit). The boot script runs
 * the hinted build wherever it can (legacy runs everywhere modern does); the viewer itself
 * feature-detects when it cannot.
 */
function pdfBuildHint(ua: string): 'modern' | 'legacy' {
  const chrome = /(?:Chrome|Chromium)\/(\d+)/.exec(ua);
  if (!chrome || /iPhone|iPad|iPod|CriOS|EdgiOS|FxiOS/.test(ua)) return 'legacy';
  return Number(chrome[1]) >= 145 ? 'modern' : 'legacy';
}
