import { requireStaff } from '$lib/server/auth/guards';
import { getDb } from '$lib/server/db/client';
import {
  listNotOpened,
  listPacketSummaries,
  listPeriods,
  type DashboardFilters
} from '$lib/server/packets/dashboard';
import type { PageServerLoad } from './$types';

const STATUSES = ['draft', 'published', 'archived', 'waiting', 'approved'] as const;

export const load: PageServerLoad = async (event) => {
  const { firm } = await requireStaff(event);
  const params = event.url.searchParams;
  const status = params.get('status') ?? '';
  const filters: DashboardFilters = {
    q: params.get('q')?.slice(0, 100) ?? '',
    period: params.get('period')?.slice(0, 20) || undefined,
    status: (STATUSES as readonly string[]).includes(status)
      ? (status as DashboardFilters['status'])
      : undefined
  };
  const db = getDb();
  const [packets, periods, notOpened] = await Promise.all([
    listPacketSummaries(db, firm.id, filters),
    listPeriods(db, firm.id),
    listNotOpened(db, firm.id)
  ]);
  return {
    packets,
    periods,
    notOpened,
    filters: { q: filters.q ?? '', period: filters.period ?? '', status: filters.status ?? '' }
  };
};
