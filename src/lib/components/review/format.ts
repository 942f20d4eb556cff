// Display helpers for the client's review pages. Dates show in the reader's own locale; a due
// date is a day in the firm's time zone when the page knows it.

/** 2026-Q3 -> "Q3 2026"; anything else as it is. */
export function formatPeriod(period: string): string {
  const m = /^(\d{4})-(Q[1-4]|M\d{2}|H[12])$/.exec(period);
  return m ? `${m[2]} ${m[1]}` : period;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

export function formatDate(value: Date | string | null, timeZone?: string): string {
  if (!value) return '';
  return new Date(value).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone
  });
}

export function formatDateTime(value: Date | string): string {
  return new Date(value).toLocaleString('en-GB', {
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit'
  });
}

/** "Due today", "Due in 3 days", "Due 4 Oct 2026", "Was due 2 days ago". */
export function formatDue(
  value: Date | string | null,
  now = new Date(),
  timeZone?: string
): string {
  if (!value) return '';
  const due = new Date(value);
  const days = Math.round((dayOf(due, timeZone) - dayOf(now, timeZone)) / 86_400_000);
  if (days === 0) return 'Due today';
  if (days === 1) return 'Due tomorrow';
  if (days > 1 && days <= 7) return `Due in ${days} days`;
  if (days < 0) return `Was due ${formatDate(due, timeZone)}`;
  return `Due ${formatDate(due, timeZone)}`;
}

/** Midnight UTC of the instant's calendar day in the zone (the reader's when none). */
function dayOf(d: Date, timeZone?: string): number {
  return Date.parse(d.toLocaleDateString('en-CA', { timeZone }));
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** An id for a form post, so a replayed submission is recorded once. */
export function newRequestId(): string {
  return crypto.randomUUID();
}
