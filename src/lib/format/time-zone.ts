// Time zones as firms choose them (IANA names) and the wording of instants in one of them.
// Used on the server and in the browser; Intl does the DST arithmetic.

export const DEFAULT_TIME_ZONE = 'UTC';

// Building an Intl.DateTimeFormat costs tens of microseconds; a publish to 1000 contacts words
// several dates per mail. Formatters are kept by locale and options (a handful in practice).
const formatters = new Map<string, Intl.DateTimeFormat>();
/** A shared Intl.DateTimeFormat for these arguments (throws, like the constructor, on a bad zone). */
export function dateTimeFormat(locale: string, options: Intl.DateTimeFormatOptions) {
  const key = `${locale}|${JSON.stringify(options)}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, options);
    if (formatters.size < 500) formatters.set(key, f);
  }
  return f;
}

/** True for an IANA zone name this runtime knows ('America/New_York', 'UTC'). */
export function isTimeZone(name: unknown): name is string {
  if (typeof name !== 'string' || !name || name.length > 64) return false;
  try {
    dateTimeFormat('en-GB', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

// ICU (Node 20, browsers) still lists and resolves some zones by names IANA has since replaced
// (tzdata's `backward` file): the renamed ones it reports, or a firm may have stored, and their
// current names. Intl accepts both, so only the wording changes.
const CURRENT_ZONE_NAMES: Record<string, string> = {
  'Africa/Asmera': 'Africa/Asmara',
  'America/Buenos_Aires': 'America/Argentina/Buenos_Aires',
  'America/Catamarca': 'America/Argentina/Catamarca',
  'America/Coral_Harbour': 'America/Atikokan',
  'America/Cordoba': 'America/Argentina/Cordoba',
  'America/Godthab': 'America/Nuuk',
  'America/Indianapolis': 'America/Indiana/Indianapolis',
  'America/Jujuy': 'America/Argentina/Jujuy',
  'America/Louisville': 'America/Kentucky/Louisville',
  'America/Mendoza': 'America/Argentina/Mendoza',
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Rangoon': 'Asia/Yangon',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Atlantic/Faeroe': 'Atlantic/Faroe',
  'Europe/Kiev': 'Europe/Kyiv',
  'Pacific/Enderbury': 'Pacific/Kanton',
  'Pacific/Ponape': 'Pacific/Pohnpei',
  'Pacific/Truk': 'Pacific/Chuuk'
};

/** A zone's current IANA name ('Asia/Calcutta' -> 'Asia/Kolkata'); other names unchanged. */
export function currentZoneName(name: string): string {
  return Object.hasOwn(CURRENT_ZONE_NAMES, name) ? CURRENT_ZONE_NAMES[name] : name;
}

/** Every zone a firm may choose, by current names, UTC first. */
export function timeZoneNames(): string[] {
  const names =
    typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  const current = new Set(names.map(currentZoneName));
  current.delete(DEFAULT_TIME_ZONE);
  return [DEFAULT_TIME_ZONE, ...[...current].sort()];
}

/** A stored zone by its current name, or UTC when it is missing or unknown to this runtime. */
export const zoneOrUtc = (name: string | null | undefined): string =>
  isTimeZone(name) ? currentZoneName(name) : DEFAULT_TIME_ZONE;

// en-US names American zones (EST, PDT), en-GB European ones (CET, BST), en-AU Australian,
// en-IN Indian; elsewhere every locale says "GMT+9", which is what we show then.
const ABBREVIATION_LOCALES = ['en-US', 'en-GB', 'en-AU', 'en-IN'];

function zoneNameIn(locale: string, date: Date, timeZone: string): string {
  return (
    dateTimeFormat(locale, { timeZone, timeZoneName: 'short' })
      .formatToParts(date)
      .find((p) => p.type === 'timeZoneName')?.value ?? timeZone
  );
}

/** "EST" / "EDT" for New York, "CET" / "CEST" for Berlin, "UTC", "GMT+9" for Tokyo. */
export function zoneAbbreviation(date: Date, timeZone: string): string {
  let fallback = '';
  for (const locale of ABBREVIATION_LOCALES) {
    const name = zoneNameIn(locale, date, timeZone);
    if (!/^GMT[+-−]/.test(name)) return name;
    fallback ||= name;
  }
  return fallback;
}

/** Minutes the zone is ahead of UTC at that instant (-300 for New York in winter). */
export function zoneOffsetMinutes(date: Date, timeZone: string): number {
  const parts = Object.fromEntries(
    dateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit'
    })
      .formatToParts(date)
      .map((p) => [p.type, Number(p.value)])
  );
  const asUtc = Date.UTC(
    parts.year,
    parts.month - 1,
    parts.day,
    parts.hour,
    parts.minute,
    parts.second
  );
  return Math.round((asUtc - Math.floor(date.getTime() / 1000) * 1000) / 60_000);
}

/** The instant a wall clock in the zone shows this time of the calendar day 'YYYY-MM-DD'. */
function wallTimeIn(day: string, timeZone: string, hour: number, minute: number, second: number) {
  const [y, m, d] = day.split('-').map(Number);
  const wall = Date.UTC(y, m - 1, d, hour, minute, second);
  // Twice: the offset at the wall time may differ from the offset at the answer (DST day).
  let at = wall - zoneOffsetMinutes(new Date(wall), timeZone) * 60_000;
  at = wall - zoneOffsetMinutes(new Date(at), timeZone) * 60_000;
  return new Date(at);
}

/** The last second (23:59:59) of a calendar day 'YYYY-MM-DD' in the zone. */
export function endOfDayIn(day: string, timeZone: string): Date {
  return wallTimeIn(day, timeZone, 23, 59, 59);
}

/** The first instant (00:00:00) of a calendar day 'YYYY-MM-DD' in the zone. */
export function startOfDayIn(day: string, timeZone: string): Date {
  return wallTimeIn(day, timeZone, 0, 0, 0);
}

/** 'YYYY-MM-DD' of the instant's calendar day in the zone (for a date input). */
export function calendarDayIn(date: Date, timeZone: string): string {
  return dateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit'
  }).format(date);
}

/** ISO 8601 with the zone's offset at that instant: '2026-12-02T09:00:00-05:00' (whole seconds). */
export function isoInZone(
  date: Date,
  timeZone: string,
  offset: number = zoneOffsetMinutes(date, timeZone)
): string {
  const wall = new Date(Math.floor(date.getTime() / 1000) * 1000 + offset * 60_000);
  const abs = Math.abs(offset);
  const hhmm = `${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${wall.toISOString().slice(0, 19)}${offset < 0 ? '-' : '+'}${hhmm}`;
}

const WINDOW_MS = 6 * 3_600_000;

/**
 * zoneOffsetMinutes for many instants (an export's rows) at a few Intl calls per six hours:
 * when the offsets at both ends of a six-hour window agree, no change lies between (zones
 * change at most once in six hours), so every instant inside takes that offset.
 */
export function zoneOffsetsIn(timeZone: string): (date: Date) => number {
  let start = Number.NaN;
  let offset = 0;
  return (date) => {
    const t = date.getTime();
    if (t >= start && t <= start + WINDOW_MS) return offset;
    const here = zoneOffsetMinutes(date, timeZone);
    if (zoneOffsetMinutes(new Date(t + WINDOW_MS), timeZone) === here) {
      start = t;
      offset = here;
    } else start = Number.NaN;
    return here;
  };
}
