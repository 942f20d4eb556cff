import { renderBrandedEmail } from './branded';

export interface MagicLinkEmail {
  firmName: string;
  brandColor?: string;
  /** "Sign in to Sheaf", "Your Q3 2026 review is ready", ... */
  heading: string;
  intro: string;
  buttonLabel: string;
  url: string;
  /** The 6-digit code, when the mail carries one. */
  code?: string | null;
  expiresAt: Date;
  /** e.g. "Your access lasts until Fri 28 Nov." for guest contacts. */
  note?: string | null;
  /** IANA zone for the expiry wording; defaults to the server's (TZ). */
  timeZone?: string;
  /** For tests: the time the mail is written. */
  now?: Date;
}

/** "Tue 2 Dec, 14:00" in the given time zone. */
export function formatWhen(date: Date, timeZone?: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZone
    })
      .formatToParts(date)
      .map((p) => [p.type, p.value])
  );
  return `${parts.weekday} ${parts.day} ${parts.month}, ${parts.hour}:${parts.minute}`;
}

/** "This link works until Tue 2 Dec, 14:00." or, for short-lived links, "...for 15 minutes (until 14:00)." */
export function describeExpiry(expiresAt: Date, now = new Date(), timeZone?: string): string {
  const minutes = Math.round((expiresAt.getTime() - now.getTime()) / 60_000);
  if (minutes <= 0) return 'This link has expired.';
  if (minutes < 120) {
    const time = formatWhen(expiresAt, timeZone).split(', ')[1];
    const span = minutes === 1 ? '1 minute' : `${minutes} minutes`;
    return `This link works for ${span}, until ${time}.`;
  }
  return `This link works until ${formatWhen(expiresAt, timeZone)}.`;
}

/** The magic-link mail: one big button, the 6-digit code, when the link stops working. */
export function renderMagicLinkEmail(m: MagicLinkEmail): { html: string; text: string } {
  return renderBrandedEmail({
    firmName: m.firmName,
    brandColor: m.brandColor,
    heading: m.heading,
    intro: m.intro,
    button: { label: m.buttonLabel, url: m.url },
    code: m.code,
    expiry: describeExpiry(m.expiresAt, m.now, m.timeZone),
    note: m.note
  });
}
