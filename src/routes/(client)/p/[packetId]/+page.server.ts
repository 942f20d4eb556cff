import { fail } from '@sveltejs/kit';
import { requireContact } from '$lib/server/auth/guards';
import { getDb } from '$lib/server/db/client';
import { approvePacket, readSeenVersion, withdrawApproval } from '$lib/server/review/decisions';
import { requestEvidence } from '$lib/server/review/evidence';
import { declineBlocker, declinePacket, declineSchema } from '$lib/server/review/decline';
import { loadPacketView } from '$lib/server/review/packet-view';
import { readQuestion, submitQuestion } from './question-form.server';
import { requestIdSchema } from '$lib/server/review/questions';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const access = await requireContact(event, event.params.packetId);
  return loadPacketView(getDb(), access, access.user.id);
};

export const actions: Actions = {
  approve: async (event) => {
    const { packet, contact } = await requireContact(event, event.params.packetId);
    const form = await event.request.formData();
    const requestId = requestIdSchema.safeParse(form.get('requestId') ?? undefined);
    if (!requestId.success) {
      return fail(400, { action: 'approve', message: requestId.error.issues[0].message });
    }
    const seenVersion = readSeenVersion(form);
    const result = await approvePacket(getDb(), {
      packet,
      contact,
      seenVersion,
      requestId: requestId.data,
      evidence: requestEvidence(event)
    });
    if (!result.ok) {
      const status = { viewer: 403, stale: 409, archived: 400, request_used: 400 }[result.reason];
      return fail(status, {
        action: 'approve',
        message: result.message,
        stale: result.reason === 'stale',
        seenVersion
      });
    }
    return { action: 'approve', approved: true, replayed: result.replayed };
  },

  decline: async (event) => {
    const { packet, contact } = await requireContact(event, event.params.packetId);
    const blocker = declineBlocker(packet, contact);
    if (blocker) {
      return fail(contact.role === 'viewer' ? 403 : 400, { action: 'decline', message: blocker });
    }
    const form = await event.request.formData();
    const reason = form.get('reason');
    const values = { reason: typeof reason === 'string' ? reason : '' };
    const parsed = declineSchema.safeParse({
      reason: reason ?? '',
      requestId: form.get('requestId') ?? undefined
    });
    if (!parsed.success) {
      return fail(400, { action: 'decline', message: parsed.error.issues[0].message, values });
    }
    const seenVersion = readSeenVersion(form);
    const result = await declinePacket(getDb(), {
      packet,
      contact,
      seenVersion,
      reason: parsed.data.reason,
      requestId: parsed.data.requestId,
      evidence: requestEvidence(event)
    });
    if (!result.ok) {
      const status = { viewer: 403, stale: 409, archived: 400, request_used: 400 }[result.reason];
      return fail(status, {
        action: 'decline',
        message: result.message,
        stale: result.reason === 'stale',
        seenVersion,
        values
      });
    }
    return { action: 'decline', declined: true, replayed: result.replayed };
  },

  withdraw: async (event) => {
    const { packet, contact } = await requireContact(event, event.params.packetId);
    const seenVersion = readSeenVersion(await event.request.formData());
    const result = await withdrawApproval(getDb(), { packet, contact, seenVersion });
    if (!result.ok) {
      const status = { viewer: 403, acted: 409, stale: 409, none: 400 }[result.reason];
      return fail(status, { action: 'withdraw', message: result.message });
    }
    return { action: 'withdraw', withdrawn: true };
  },

  ask: async (event) => {
    const access = await requireContact(event, event.params.packetId);
    const parsed = readQuestion(await event.request.formData());
    if (!parsed.ok) return fail(400, parsed.failure);
    return submitQuestion(access, parsed.question, requestEvidence(event));
  }
};
