// Dates and sizes as staff read them; used on the server and in the browser.
const dateFmt = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC'
});
const dateTimeFmt = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'UTC'
});

export const formatDate = (d: Date | string | null | undefined) =>
  d ? dateFmt.format(new Date(d)) : '';
export const formatDateTime = (d: Date | string | null | undefined) =>
  d ? `${dateTimeFmt.format(new Date(d))} UTC` : '';

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** "2026-Q3" -> "Q3 2026". */
export function periodLabel(period: string): string {
  const m = /^(\d{4})-(Q[1-4])$/.exec(period);
  return m ? `${m[2]} ${m[1]}` : period;
}

/** yyyy-mm-dd for a date input. */
export const toDateInput = (d: Date | string | null | undefined) =>
  d ? new Date(d).toISOString().slice(0, 10) : '';
