import { formatWeekdayDate } from '../../../format/dates';
import {
  calendarDayIn,
  DEFAULT_TIME_ZONE,
  dateTimeFormat,
  zoneAbbreviation
} from '../../../format/time-zone';
import type { Locale } from '../../../i18n/locale';
import { m as msg } from '../../../paraglide/messages.js';
import { renderBrandedEmail, type EmailQuote } from './branded';

export interface MagicLinkEmail {
  firmName: string;
  brandColor?: string;
  /** The firm's logo column (firm/logo-key.ts). */
  logo?: string | null;
  /** "Sign in to Sheaf", "Your Q3 2026 review is ready", ... */
  heading: string;
  intro: string;
  /** Quoted messages above the intro (the question a reply answers). */
  quotes?: EmailQuote[] | null;
  buttonLabel: string;
  url: string;
  /** The 6-digit code, when the mail carries one. */
  code?: string | null;
  expiresAt: Date;
  /** e.g. "Your access lasts until Fri 28 Nov." for guest contacts. */
  note?: string | null;
  /** The closing lines; the branded default ("didn't expect this?") when absent. */
  footer?: string | string[] | null;
  /** The firm's IANA zone for the expiry wording; UTC when none is known. */
  timeZone?: string;
  /** For tests: the time the mail is written. */
  now?: Date;
  /** The recipient's language for the mail's own words (expiry, code, footer). */
  locale?: Locale;
}

/**
 * "Tue 2 Dec, 14:00" in the given time zone. In another language, as Intl words it there in
 * full ("lunes, 14 de diciembre, 14:05"): a mail's running text reads "el lunes, 14 de
 * diciembre", where the short form gave "el lun, 14 dic".
 */
export function formatWhen(date: Date, timeZone?: string, locale: Locale = 'en'): string {
  if (locale !== 'en') {
    return dateTimeFormat(locale, {
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZone
    }).format(date);
  }
  const parts = Object.fromEntries(
    dateTimeFormat('en-GB', {
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

/**
 * "This link works until Tue 2 Dec, 09:00 EST." or, for short-lived links, "...for 15 minutes,
 * until 09:00 EST." The zone's abbreviation is the one in force at that instant (DST). A link
 * that ends with a day in the zone (packet links do) names that day: "This link works until
 * Fri 18 Dec 2026."
 */
export function describeExpiry(
  expiresAt: Date,
  now = new Date(),
  timeZone = DEFAULT_TIME_ZONE,
  locale: Locale = 'en'
): string {
  const o = { locale };
  const minutes = Math.round((expiresAt.getTime() - now.getTime()) / 60_000);
  if (minutes <= 0) return msg.mail_link_expired({}, o);
  const zone = zoneAbbreviation(expiresAt, timeZone);
  if (minutes < 120) {
    const time = formatWhen(expiresAt, timeZone).split(', ')[1];
    return msg.mail_link_for_minutes({ count: minutes, time, zone }, o);
  }
  const endOfDay = calendarDayIn(new Date(expiresAt.getTime() + 1000), timeZone);
  if (endOfDay !== calendarDayIn(expiresAt, timeZone)) {
    return msg.mail_link_until_day({ day: formatWeekdayDate(expiresAt, timeZone, locale) }, o);
  }
  return msg.mail_link_until({ when: formatWhen(expiresAt, timeZone, locale), zone }, o);
}

/** The magic-link mail: one big button, the 6-digit code, when the link stops working. */
export function renderMagicLinkEmail(m: MagicLinkEmail): { html: string; text: string } {
  return renderBrandedEmail({
    firmName: m.firmName,
    brandColor: m.brandColor,
    logo: m.logo,
    heading: m.heading,
    intro: m.intro,
    quotes: m.quotes,
    button: { label: m.buttonLabel, url: m.url },
    code: m.code,
    expiry: describeExpiry(m.expiresAt, m.now, m.timeZone, m.locale),
    note: m.note,
    footer: m.footer,
    locale: m.locale
  });
}
