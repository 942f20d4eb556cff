import { requireStaff } from '$lib/server/auth/guards';
import { getDb } from '$lib/server/db/client';
import { hasActiveClients } from '$lib/server/packets/clients';
import {
  countPackets,
  hasSentPackets,
  listNotOpened,
  listPacketSummaries,
  listPeriods,
  type DashboardFilters
} from '$lib/server/packets/dashboard';
import { listNeedsReply, listStandingDeclines } from '$lib/server/packets/needs-reply';
import type { PageServerLoad } from './$types';

const STATUSES = ['draft', 'published', 'archived', 'waiting', 'approved', 'declined'] as const;
const PAGE_SIZE = 100;
/** "Not opened yet" lists this many, or up to the larger number on "show all". */
const NOT_OPENED = { some: 50, all: 500 };
/** "Needs reply" lists the oldest this many; the rest are counted. */
const NEEDS_REPLY = 50;

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
  const page = Math.min(Math.max(Math.trunc(Number(params.get('page'))) || 1, 1), 10_000);
  const allNotOpened = params.get('notOpened') === 'all';
  const db = getDb();
  const [packets, total, periods, notOpened, needsReply, declines, sent] = await Promise.all([
    listPacketSummaries(db, firm.id, filters, {
      limit: PAGE_SIZE,
      offset: (page - 1) * PAGE_SIZE
    }),
    countPackets(db, firm.id, filters),
    listPeriods(db, firm.id),
    listNotOpened(db, firm.id, allNotOpened ? NOT_OPENED.all : NOT_OPENED.some),
    listNeedsReply(db, firm.id, NEEDS_REPLY),
    listStandingDeclines(db, firm.id, NEEDS_REPLY),
    hasSentPackets(db, firm.id)
  ]);
  // A firm without a packet gets one first step instead of the list: a client, then a packet.
  let firstStep: 'client' | 'packet' | null = null;
  if (periods.length === 0) firstStep = (await hasActiveClients(db, firm.id)) ? 'packet' : 'client';
  return {
    packets,
    paging: { page, pageSize: PAGE_SIZE, total, from: (page - 1) * PAGE_SIZE + 1 },
    periods,
    notOpened: notOpened.rows,
    notOpenedTotal: notOpened.total,
    needsReply: needsReply.rows,
    needsReplyTotal: needsReply.total,
    declines,
    sent,
    firstStep,
    filters: { q: filters.q ?? '', period: filters.period ?? '', status: filters.status ?? '' }
  };
};
