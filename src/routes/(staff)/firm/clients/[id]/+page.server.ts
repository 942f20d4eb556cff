import { fail } from '@sveltejs/kit';
import { isUuid, requireStaffClient } from '$lib/server/auth/guards';
import { getDb } from '$lib/server/db/client';
import { recordAudit } from '$lib/server/audit';
import { ClientCodeTakenError, updateClient } from '$lib/server/packets/clients';
import { listClientPackets } from '$lib/server/packets/dashboard';
import {
  addContact,
  listContacts,
  removeContact,
  updateContact
} from '$lib/server/packets/contacts';
import { fieldErrors, readForm } from '$lib/server/http/form';
import {
  clientSchema,
  contactSchema,
  contactUpdateSchema,
  dayEndIn
} from '$lib/server/packets/forms';
import { sendPublishedPackets } from '$lib/server/packets/send-to-contact';
import { clientMeta } from '$lib/server/auth/request-meta';
import { listMembers } from '$lib/server/firm/members';
import { assignResponsible, NOT_A_MEMBER, ResponsibleError } from '$lib/server/packets/responsible';
import { languageChoiceSchema, setContactLocale } from '$lib/server/i18n/language-settings';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const { firm, client } = await requireStaffClient(event, event.params.id);
  const db = getDb();
  const [contacts, members, packets] = await Promise.all([
    listContacts(db, firm.id, client.id),
    listMembers(db, firm.id),
    listClientPackets(db, firm.id, client.id)
  ]);
  return {
    client: { id: client.id, name: client.name, code: client.code, archivedAt: client.archivedAt },
    contacts,
    packets,
    members: members.map((m) => ({ userId: m.userId, name: m.name, email: m.email })),
    /** Null when nobody still a member is named: the owners hear of this client. */
    responsibleUserId: members.some((m) => m.userId === client.responsibleUserId)
      ? client.responsibleUserId
      : null
  };
};

export const actions: Actions = {
  update: async (event) => {
    const { firm, user, client } = await requireStaffClient(event, event.params.id);
    const values = await readForm(event.request);
    const parsed = clientSchema.safeParse(values);
    if (!parsed.success) {
      return fail(400, {
        action: 'update',
        message: 'Check the highlighted fields.',
        errors: fieldErrors(parsed.error),
        values
      });
    }
    try {
      await updateClient(getDb(), firm.id, client.id, parsed.data);
    } catch (error) {
      if (error instanceof ClientCodeTakenError) {
        return fail(400, {
          action: 'update',
          message: error.message,
          errors: { code: [error.message] },
          values
        });
      }
      throw error;
    }
    await recordAudit(getDb(), {
      action: 'client.updated',
      firmId: firm.id,
      actorId: user.id,
      subject: `client:${client.id}`,
      ...clientMeta(event),
      data: parsed.data
    });
    return { action: 'update', message: 'Client saved.' };
  },

  responsible: async (event) => {
    const { firm, user, client } = await requireStaffClient(event, event.params.id);
    const userId = String((await event.request.formData()).get('userId') ?? '');
    if (!isUuid(userId)) {
      return fail(400, { action: 'responsible', failed: true as const, message: NOT_A_MEMBER });
    }
    try {
      await getDb().transaction((tx) =>
        assignResponsible(tx, firm.id, [client.id], userId, { id: user.id, ...clientMeta(event) })
      );
    } catch (error) {
      if (error instanceof ResponsibleError) {
        return fail(400, { action: 'responsible', failed: true as const, message: error.message });
      }
      throw error;
    }
    return { action: 'responsible', message: 'Responsible staff member saved.' };
  },

  addContact: async (event) => {
    const { firm, user, client } = await requireStaffClient(event, event.params.id);
    const values = await readForm(event.request);
    const parsed = contactSchema.safeParse(values);
    if (!parsed.success) {
      return fail(400, {
        action: 'addContact',
        message: 'Check the highlighted fields.',
        errors: fieldErrors(parsed.error),
        values
      });
    }
    parsed.data.accessExpiresAt = dayEndIn(parsed.data.accessExpiresAt, firm.timeZone);
    if (parsed.data.accessExpiresAt && parsed.data.accessExpiresAt <= new Date()) {
      return fail(400, {
        action: 'addContact',
        message: 'Access must end in the future.',
        errors: { accessExpiresAt: ['Choose a date after today.'] },
        values
      });
    }
    // Nothing is mailed unless staff tick a box: an invite, or the packets already published.
    const sendPackets = values.sendPackets === '1';
    const invite = values.invite === '1' && !sendPackets;
    const result = await getDb().transaction(async (tx) => {
      const added = await addContact(tx, firm, client.id, parsed.data, {
        invite,
        invitedBy: { id: user.id, name: user.name }
      });
      if (!added.created) return { ...added, packets: 0 };
      await recordAudit(tx, {
        action: 'contact.added',
        firmId: firm.id,
        actorId: user.id,
        subject: `client:${client.id}`,
        ...clientMeta(event),
        data: { email: parsed.data.email, role: parsed.data.role }
      });
      const packets = sendPackets
        ? await sendPublishedPackets(tx, firm, client.id, added.contact.id, user.id)
        : 0;
      return { ...added, packets };
    });
    if (!result.created) {
      return fail(400, {
        action: 'addContact',
        message: `${parsed.data.email} is already a contact of ${client.name}.`,
        errors: { email: ['Already a contact.'] },
        values
      });
    }
    const sent = result.packets
      ? ` and sent ${result.packets === 1 ? 'the published packet' : `${result.packets} published packets`}`
      : invite
        ? ' and sent an invitation'
        : '';
    return {
      action: 'addContact',
      message: `Added ${parsed.data.email}${sent}.${sent ? '' : ' No email was sent.'}`
    };
  },

  updateContact: async (event) => {
    const { firm, user, client } = await requireStaffClient(event, event.params.id);
    const values = await readForm(event.request);
    const contactId = values.contactId ?? '';
    if (!isUuid(contactId)) return fail(404, { action: 'updateContact', message: 'Not found.' });
    const parsed = contactUpdateSchema.safeParse(values);
    if (!parsed.success) {
      return fail(400, {
        action: 'updateContact',
        contactId,
        message: Object.values(fieldErrors(parsed.error)).flat()[0] ?? 'Check the fields.'
      });
    }
    const contacts = await listContacts(getDb(), firm.id, client.id);
    if (!contacts.some((c) => c.id === contactId)) {
      return fail(404, { action: 'updateContact', message: 'Not found.' });
    }
    parsed.data.accessExpiresAt = dayEndIn(parsed.data.accessExpiresAt, firm.timeZone);
    await updateContact(getDb(), firm.id, contactId, parsed.data);
    await recordAudit(getDb(), {
      action: 'contact.updated',
      firmId: firm.id,
      actorId: user.id,
      subject: `client:${client.id}`,
      ...clientMeta(event),
      data: { contactId, ...parsed.data }
    });
    return { action: 'updateContact', message: 'Contact saved.' };
  },

  /** The language staff set for a contact: their pages and mail, unless they chose their own. */
  contactLanguage: async (event) => {
    const { firm, user, client } = await requireStaffClient(event, event.params.id);
    const values = await readForm(event.request);
    const contactId = values.contactId ?? '';
    if (!isUuid(contactId)) return fail(404, { action: 'contactLanguage', message: 'Not found.' });
    const parsed = languageChoiceSchema.safeParse(values);
    if (!parsed.success) {
      return fail(400, { action: 'contactLanguage', message: parsed.error.issues[0].message });
    }
    const meta = clientMeta(event);
    const changed = await setContactLocale(getDb(), firm.id, contactId, parsed.data.locale, {
      id: user.id,
      ip: meta.ip,
      ua: meta.ua,
      clientId: client.id
    });
    if (changed === null) return fail(404, { action: 'contactLanguage', message: 'Not found.' });
    return { action: 'contactLanguage', message: changed ? 'Language saved.' : 'Nothing changed.' };
  },

  removeContact: async (event) => {
    const { firm, user, client } = await requireStaffClient(event, event.params.id);
    const values = await readForm(event.request);
    const contactId = values.contactId ?? '';
    const contacts = isUuid(contactId) ? await listContacts(getDb(), firm.id, client.id) : [];
    const target = contacts.find((c) => c.id === contactId);
    if (!target) return fail(404, { action: 'removeContact', message: 'Not found.' });
    await getDb().transaction(async (tx) => {
      await removeContact(tx, firm.id, contactId);
      await recordAudit(tx, {
        action: 'contact.removed',
        firmId: firm.id,
        actorId: user.id,
        subject: `client:${client.id}`,
        ...clientMeta(event),
        data: { email: target.email }
      });
    });
    return { action: 'removeContact', message: `Removed ${target.email}.` };
  }
};
