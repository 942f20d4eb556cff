import { fail, redirect } from '@sveltejs/kit';
import { isUuid, requireStaff } from '$lib/server/auth/guards';
import { getDb } from '$lib/server/db/client';
import { recordAudit } from '$lib/server/audit';
import {
  ClientCodeTakenError,
  countArchivedClients,
  createClient,
  listClients,
  setClientArchived
} from '$lib/server/packets/clients';
import { importClientsCsv } from '$lib/server/packets/csv-import';
import { clientMeta } from '$lib/server/auth/request-meta';
import { fieldErrors } from '$lib/server/http/form';
import { clientSchema } from '$lib/server/packets/forms';
import { listMembers } from '$lib/server/firm/members';
import { assignResponsible, NOT_A_MEMBER, ResponsibleError } from '$lib/server/packets/responsible';
import type { Actions, PageServerLoad } from './$types';

const MAX_CSV_BYTES = 2 * 1024 * 1024;

export const load: PageServerLoad = async (event) => {
  const { firm } = await requireStaff(event);
  const q = event.url.searchParams.get('q')?.slice(0, 100) ?? '';
  const archived = event.url.searchParams.get('archived') === '1';
  const db = getDb();
  const [clients, archivedCount, members] = await Promise.all([
    listClients(db, firm.id, { q, archived }),
    countArchivedClients(db, firm.id),
    listMembers(db, firm.id)
  ]);
  return {
    clients,
    archivedCount,
    q,
    archived,
    members: members.map((m) => ({ userId: m.userId, name: m.name, email: m.email }))
  };
};

export const actions: Actions = {
  create: async (event) => {
    const { firm, user } = await requireStaff(event);
    const form = Object.fromEntries(await event.request.formData());
    const values = { name: String(form.name ?? ''), code: String(form.code ?? '') };
    const parsed = clientSchema.safeParse(values);
    if (!parsed.success) {
      const errors = fieldErrors(parsed.error);
      return fail(400, {
        action: 'create',
        message: 'Check the highlighted fields.',
        errors,
        values
      });
    }
    let created;
    try {
      created = await createClient(getDb(), firm.id, parsed.data, user.id);
    } catch (error) {
      if (error instanceof ClientCodeTakenError) {
        return fail(400, {
          action: 'create',
          message: error.message,
          errors: { code: [error.message] },
          values
        });
      }
      throw error;
    }
    await recordAudit(getDb(), {
      action: 'client.created',
      firmId: firm.id,
      actorId: user.id,
      subject: `client:${created.id}`,
      ...clientMeta(event)
    });
    redirect(303, `/firm/clients/${created.id}`);
  },

  archive: async (event) => {
    const { firm, user } = await requireStaff(event);
    const form = await event.request.formData();
    const id = String(form.get('clientId') ?? '');
    const archived = form.get('restore') !== '1';
    if (!isUuid(id)) return fail(404, { action: 'archive', message: 'Client not found.' });
    const row = await setClientArchived(getDb(), firm.id, id, archived);
    if (!row) return fail(404, { action: 'archive', message: 'Client not found.' });
    await recordAudit(getDb(), {
      action: archived ? 'client.archived' : 'client.restored',
      firmId: firm.id,
      actorId: user.id,
      subject: `client:${id}`,
      ...clientMeta(event)
    });
    return { action: 'archive', message: `${row.name} ${archived ? 'archived' : 'restored'}.` };
  },

  /** "Assign to …" for the clients selected in the list: all of them, or none. */
  assign: async (event) => {
    const { firm, user } = await requireStaff(event);
    const form = await event.request.formData();
    const clientIds = form.getAll('clientId').map(String);
    const userId = String(form.get('userId') ?? '');
    if (!clientIds.length) {
      return fail(400, {
        action: 'assign',
        failed: true as const,
        message: 'Select the clients to assign first.'
      });
    }
    if (!clientIds.every(isUuid))
      return fail(404, { action: 'assign', failed: true as const, message: 'Client not found.' });
    if (!isUuid(userId))
      return fail(400, { action: 'assign', failed: true as const, message: NOT_A_MEMBER });
    let changed: number;
    try {
      changed = await getDb().transaction((tx) =>
        assignResponsible(tx, firm.id, clientIds, userId, { id: user.id, ...clientMeta(event) })
      );
    } catch (error) {
      if (!(error instanceof ResponsibleError)) throw error;
      return fail(error.reason === 'client' ? 404 : 400, {
        action: 'assign',
        failed: true as const,
        message: error.message
      });
    }
    const n = clientIds.length;
    return {
      action: 'assign',
      message: `${n} client${n === 1 ? '' : 's'} assigned${changed < n ? ` (${n - changed} already were)` : ''}.`
    };
  },

  import: async (event) => {
    const { firm, user } = await requireStaff(event);
    const form = await event.request.formData();
    const file = form.get('file');
    let text = String(form.get('csv') ?? '');
    if (file instanceof File && file.size > 0) {
      if (file.size > MAX_CSV_BYTES) {
        return fail(400, { action: 'import', message: `"${file.name}" is larger than 2 MB.` });
      }
      text = await file.text();
    }
    if (!text.trim()) {
      return fail(400, { action: 'import', message: 'Choose a CSV file or paste its contents.' });
    }
    if (text.length > MAX_CSV_BYTES) {
      return fail(400, { action: 'import', message: 'The CSV is larger than 2 MB.' });
    }
    const dryRun = form.get('dryRun') === '1';
    const result = await importClientsCsv(getDb(), firm, text, {
      dryRun,
      responsibleUserId: user.id
    });
    if (result.fileError) {
      return fail(400, { action: 'import', message: result.fileError, csv: text });
    }
    if (!dryRun && (result.clientsCreated || result.contactsAdded)) {
      await recordAudit(getDb(), {
        action: 'clients.imported',
        firmId: firm.id,
        actorId: user.id,
        ...clientMeta(event),
        data: {
          clients: result.clientsCreated,
          contacts: result.contactsAdded,
          errors: result.errors.length
        }
      });
    }
    return { action: 'import', result, csv: dryRun ? text : '' };
  }
};
