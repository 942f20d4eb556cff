import { fail, redirect, type RequestEvent } from '@sveltejs/kit';
import { isUuid, requireStaffPacket } from '$lib/server/auth/guards';
import { packetLinkExpiresAt } from '$lib/server/auth/link-lifetime';
import { getConfig } from '$lib/server/config';
import { getDb } from '$lib/server/db/client';
import { recordAudit } from '$lib/server/audit';
import {
  keepPacketDocument,
  moveDocument,
  removePacketDocument,
  renameDocument
} from '$lib/server/packets/documents';
import { fieldErrors, readForm } from '$lib/server/http/form';
import { dayEndIn, documentNameSchema, packetSchema } from '$lib/server/packets/forms';
import { publishAudience } from '$lib/server/packets/audience';
import { NudgeCooldownError, nudgeContacts } from '$lib/server/packets/nudge';
import { loadPacketMailContext, renderPacketEmail } from '$lib/server/packets/packet-email';
import { contactLocales } from '$lib/server/i18n/contact-locale';
import { LANGUAGE_NAMES } from '$lib/i18n/locale';
import {
  listDocuments,
  listUnpublishedChanges,
  packetSummary,
  setPacketArchived,
  updatePacket
} from '$lib/server/packets/packets';
import { publishPacket, PublishError } from '$lib/server/packets/publish';
import {
  listContactStatus,
  listEarlierVersions,
  listPacketAudit,
  PACKET_AUDIT_LISTED,
  loadPacketState
} from '$lib/server/packets/status';
import { setQuestionAnswered } from '$lib/server/packets/needs-reply';
import { listThread, MAX_REPLY, replyToThread } from '$lib/server/packets/thread';
import { clientMeta } from '$lib/server/auth/request-meta';
import { listCertifiedVersions } from '$lib/server/certificates/certificates';
import type { Actions, PageServerLoad } from './$types';

const NO_QUESTION = 'That question is not in this packet. Reload the page and try again.';

/** "Mark answered" without replying, or "Reopen": a question of this packet, by id. */
async function setAnswered(event: RequestEvent<{ id: string }>, answered: boolean) {
  const { user, packet } = await requireStaffPacket(event, event.params.id);
  const { questionId = '', next = '' } = await readForm(event.request);
  if (!isUuid(questionId)) return fail(404, { action: 'answered', message: NO_QUESTION });
  const done = await setQuestionAnswered(getDb(), packet, questionId, user, answered, {
    ...clientMeta(event)
  });
  if (!done.ok) return fail(404, { action: 'answered', message: NO_QUESTION });
  // The dashboard's "Mark answered" comes back to its list (the only place sent back to).
  if (next === 'dashboard') redirect(303, '/firm#needs-reply');
  return {
    action: 'answered',
    questionId,
    message: answered ? 'Marked answered.' : 'Marked as needing a reply.'
  };
}

export const load: PageServerLoad = async (event) => {
  const { firm, packet, client } = await requireStaffPacket(event, event.params.id);
  const db = getDb();
  const [documents, contacts, thread, audit, unpublished, audience, history, context, status] =
    await Promise.all([
      listDocuments(db, packet.id),
      listContactStatus(db, packet),
      listThread(db, packet),
      listPacketAudit(db, packet),
      listUnpublishedChanges(db, packet),
      publishAudience(db, client.id, firm.timeZone),
      listEarlierVersions(db, packet),
      loadPacketMailContext(db, packet, 'next'),
      loadPacketState(db, packet)
    ]);
  const locales = await contactLocales(
    db,
    firm.id,
    [...audience.mailed, ...audience.skipped].map((r) => r.userId)
  );
  const localeOf = (userId: string) => locales.get(userId) ?? firm.locale;
  // What the next publish sends: an approver's mail, and a viewer's subject when there are any.
  // Each contact gets it in their own language: a role's preview is its first recipient's mail.
  const previewFor = (role: 'approver' | 'viewer') => {
    const first = audience.mailed.find((r) => r.role === role);
    const locale = first ? localeOf(first.userId) : firm.locale;
    const mail = renderPacketEmail({
      ...context,
      firm,
      packet,
      kind: packet.version > 0 ? 'packet_updated' : 'packet',
      role,
      contactName: first?.name ?? '',
      url: `${getConfig().origin}/l/…`,
      expiresAt: packetLinkExpiresAt(firm, packet.dueAt),
      locale
    });
    return { ...mail, name: first?.name || first?.email || null, language: LANGUAGE_NAMES[locale] };
  };
  const preview = previewFor(
    audience.mailed.some((r) => r.role === 'approver') ? 'approver' : 'viewer'
  );
  const approverPreview = previewFor('approver');
  const viewerPreview = previewFor('viewer');
  const contactOf = (c: (typeof audience.mailed)[number]) => ({
    contactId: c.contactId,
    name: c.name,
    email: c.email,
    role: c.role,
    language: LANGUAGE_NAMES[localeOf(c.userId)]
  });
  const certificates = await listCertifiedVersions(db, packet.id);
  return {
    packet: packetSummary(packet),
    certificates,
    client: { id: client.id, name: client.name, code: client.code },
    documents: documents.map((d) => ({
      id: d.id,
      filename: d.filename,
      displayName: d.displayName,
      bytes: d.bytes,
      pages: d.pages,
      version: d.version,
      pageWidth: d.pageWidth,
      pageHeight: d.pageHeight
    })),
    contacts,
    status,
    thread,
    history,
    audit: audit.map((a) => ({ ...a, data: (a.data ?? null) as Record<string, unknown> | null })),
    /** More happened than the page lists: the audit export has the rest. */
    auditCut: audit.length >= PACKET_AUDIT_LISTED,
    unpublished,
    recipients: audience.mailed.map((r) => r.email),
    audience: {
      mailed: audience.mailed.map(contactOf),
      skipped: audience.skipped.map((c) => ({ ...contactOf(c), why: c.why })),
      subjects: {
        approver: { text: approverPreview.subject, language: approverPreview.language },
        viewer: { text: viewerPreview.subject, language: viewerPreview.language }
      }
    },
    /** The publish confirm step as a page of its own, for a browser without JavaScript. */
    confirmPublish: event.url.searchParams.get('publish') === 'confirm',
    preview: {
      subject: preview.subject,
      html: preview.html,
      text: preview.text,
      name: preview.name,
      language: preview.language,
      languages: [...new Set(audience.mailed.map((r) => LANGUAGE_NAMES[localeOf(r.userId)]))]
    },
    maxUploadMb: getConfig().MAX_UPLOAD_MB,
    reminderEveryDays: firm.reminderEveryDays
  };
};

export const actions: Actions = {
  update: async (event) => {
    const { firm, user, packet } = await requireStaffPacket(event, event.params.id);
    const values = await readForm(event.request);
    const parsed = packetSchema.safeParse(values);
    if (!parsed.success) {
      return fail(400, {
        action: 'update',
        message: 'Check the highlighted fields.',
        errors: fieldErrors(parsed.error),
        values
      });
    }
    await updatePacket(getDb(), firm.id, packet.id, {
      ...parsed.data,
      dueAt: dayEndIn(parsed.data.dueAt, firm.timeZone)
    });
    await recordAudit(getDb(), {
      action: 'packet.updated',
      firmId: firm.id,
      actorId: user.id,
      subject: `packet:${packet.id}`,
      ...clientMeta(event),
      data: { title: parsed.data.title, period: parsed.data.period }
    });
    return { action: 'update', message: 'Details saved.' };
  },

  removeDocument: async (event) => {
    const { user, packet } = await requireStaffPacket(event, event.params.id);
    const { documentId = '' } = await readForm(event.request);
    if (!isUuid(documentId)) return fail(404, { action: 'document', message: 'Not found.' });
    const removed = await removePacketDocument(getDb(), packet, documentId, user.id);
    if (!removed) return fail(404, { action: 'document', message: 'Not found.' });
    return { action: 'document', message: 'Document removed.' };
  },

  keepDocument: async (event) => {
    const { user, packet } = await requireStaffPacket(event, event.params.id);
    const { documentId = '' } = await readForm(event.request);
    if (!isUuid(documentId)) return fail(404, { action: 'document', message: 'Not found.' });
    const kept = await keepPacketDocument(getDb(), packet, documentId, user.id);
    if (!kept.ok) return fail(kept.status, { action: 'document', message: kept.message });
    return { action: 'document', message: `${kept.displayName} stays in the packet.` };
  },

  renameDocument: async (event) => {
    const { user, packet } = await requireStaffPacket(event, event.params.id);
    const { documentId = '', displayName = '' } = await readForm(event.request);
    const notFound = {
      action: 'rename',
      message: 'That document is not in this packet. Reload the page and try again.'
    };
    if (!isUuid(documentId)) return fail(404, notFound);
    const parsed = documentNameSchema.safeParse({ displayName });
    if (!parsed.success) {
      return fail(400, {
        action: 'rename',
        documentId,
        message: parsed.error.issues[0].message,
        displayName
      });
    }
    const renamed = await renameDocument(
      getDb(),
      packet,
      documentId,
      parsed.data.displayName,
      user.id
    );
    // Another packet's (or firm's) document is as unknown here as a made-up id.
    if (!renamed) return fail(404, notFound);
    return { action: 'rename', documentId, message: `Renamed to “${renamed.to}”.` };
  },

  moveDocument: async (event) => {
    const { user, packet } = await requireStaffPacket(event, event.params.id);
    const { documentId = '', direction = '' } = await readForm(event.request);
    if (!isUuid(documentId)) return fail(404, { action: 'document', message: 'Not found.' });
    if (direction !== 'up' && direction !== 'down') {
      return fail(400, { action: 'document', message: 'Choose up or down.' });
    }
    const moved = await moveDocument(getDb(), packet, documentId, direction, user.id);
    // Another packet's (or firm's) document is as unknown here as a made-up id.
    if (moved === 'not-found') return fail(404, { action: 'document', message: 'Not found.' });
    if (moved === 'at-edge')
      return fail(400, { action: 'document', message: 'That document cannot move further.' });
    return { action: 'document', message: 'Order saved.' };
  },

  publish: async (event) => {
    const { firm, user, packet } = await requireStaffPacket(event, event.params.id);
    try {
      const result = await publishPacket(getDb(), firm, packet.id, user.id);
      const skipped = result.skipped
        ? ` ${result.skipped} contact${result.skipped === 1 ? '' : 's'} not emailed.`
        : '';
      return {
        action: 'publish',
        message: `${result.updated ? 'Updated' : 'Published'} — ${result.deliveries} email${result.deliveries === 1 ? '' : 's'} on the way.${skipped}`
      };
    } catch (error) {
      if (error instanceof PublishError) {
        return fail(400, { action: 'publish', message: error.message });
      }
      throw error;
    }
  },

  nudge: async (event) => {
    const { firm, user, packet } = await requireStaffPacket(event, event.params.id);
    const { contactId = '', confirm = '' } = await readForm(event.request);
    if (contactId && !isUuid(contactId))
      return fail(404, { action: 'nudge', message: 'Not found.' });
    try {
      const { sent, skipped } = await nudgeContacts(
        getDb(),
        firm,
        packet,
        user.id,
        contactId || null,
        { confirm: confirm === '1' }
      );
      if (contactId && sent === 0) return fail(404, { action: 'nudge', message: 'Not found.' });
      const left = skipped ? ` Skipped ${skipped} reminded in the last 24 hours.` : '';
      return {
        action: 'nudge',
        message: sent
          ? `Sent a fresh link to ${sent} contact${sent === 1 ? '' : 's'}.${left}`
          : skipped
            ? `Nobody emailed: all ${skipped} still to review were reminded in the last 24 hours.`
            : 'Nobody is waiting to be asked: the packet is approved, or every approver has decided.'
      };
    } catch (error) {
      if (error instanceof NudgeCooldownError) {
        // Nothing was sent: the contact's control asks "Send another now?" (confirm=1).
        return fail(409, {
          action: 'nudge',
          cooldown: error.contactId,
          message: error.message
        });
      }
      if (error instanceof PublishError)
        return fail(400, { action: 'nudge', message: error.message });
      throw error;
    }
  },

  reply: async (event) => {
    const { firm, user, packet } = await requireStaffPacket(event, event.params.id);
    const { body = '', replyTo = '' } = await readForm(event.request);
    const text = body.trim();
    if (!text)
      return fail(400, { action: 'reply', message: 'Write a reply first.', body, replyTo });
    if (text.length > MAX_REPLY) {
      return fail(400, {
        action: 'reply',
        message: `At most ${MAX_REPLY} characters.`,
        body,
        replyTo
      });
    }
    // Never published (a draft, or one archived as a draft): no contact has it to reply to.
    if (packet.version === 0) {
      return fail(400, { action: 'reply', message: 'Publish the packet first.', body, replyTo });
    }
    if (replyTo && !isUuid(replyTo)) return fail(404, { action: 'reply', message: NO_QUESTION });
    const sent = await replyToThread(getDb(), firm, packet, user, text, {
      replyTo: replyTo || null
    });
    if (!sent.ok) return fail(404, { action: 'reply', message: NO_QUESTION });
    return { action: 'reply', message: 'Reply sent to the client.' };
  },

  markAnswered: (event) => setAnswered(event, true),
  reopen: (event) => setAnswered(event, false),

  archive: async (event) => {
    const { firm, user, packet } = await requireStaffPacket(event, event.params.id);
    const { restore } = await readForm(event.request);
    const { status } = await setPacketArchived(getDb(), packet, restore !== '1');
    await recordAudit(getDb(), {
      action: status === 'archived' ? 'packet.archived' : 'packet.restored',
      firmId: firm.id,
      actorId: user.id,
      subject: `packet:${packet.id}`,
      ...clientMeta(event)
    });
    return {
      action: 'archive',
      message: status === 'archived' ? 'Packet archived.' : 'Packet restored.'
    };
  }
};
