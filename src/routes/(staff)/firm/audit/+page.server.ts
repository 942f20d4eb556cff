import { fail, redirect } from '@sveltejs/kit';
import { zoneOrUtc } from '$lib/format/time-zone';
import { auditRangeSchema, defaultRange } from '$lib/server/audit-log/range';
import { requireStaff } from '$lib/server/auth/guards';
import { fieldErrors, readForm } from '$lib/server/http/form';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const { firm } = await requireStaff(event);
  return { range: defaultRange(zoneOrUtc(firm.timeZone)) };
};

export const actions = {
  // Checks the dates, then hands the browser to the download (it stays on this page).
  default: async (event) => {
    await requireStaff(event);
    const values = await readForm(event.request);
    const parsed = auditRangeSchema.safeParse(values);
    if (!parsed.success) {
      return fail(400, {
        message: 'Check the dates.',
        errors: fieldErrors(parsed.error),
        values: { from: values.from ?? '', to: values.to ?? '' }
      });
    }
    const { from, to } = parsed.data;
    redirect(303, `/firm/audit/export?${new URLSearchParams({ from, to })}`);
  }
} satisfies Actions;
