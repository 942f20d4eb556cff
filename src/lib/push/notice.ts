// What the service worker makes of a push: the notice to show and the page a tap opens. A push
// names a path in this app only; anything else opens the packet list.
import type { Locale } from '../i18n/locale';
import { m } from '../paraglide/messages.js';

export interface ShownNotice {
  title: string;
  body: string;
  tag: string;
  /** A same-origin path: /p/<id>, /firm/packets/<id>#q-... */
  url: string;
}

/**
 * Shown when a push arrives that cannot be read (a browser insists something is shown), in the
 * device's language: the server's own notices come in the contact's already.
 */
export function fallbackNotice(locale: Locale): ShownNotice {
  return { title: 'Sheaf', body: m.push_fallback({}, { locale }), tag: 'sheaf', url: '/p' };
}

/**
 * The path of `url` when it is a path in this app (a relative path, same origin once resolved),
 * else null. "//evil.example", "https://evil.example/p", "/\\evil.example" and "javascript:" are
 * all refused.
 */
export function appPath(url: unknown, origin: string): string | null {
  if (typeof url !== 'string' || !url.startsWith('/') || /^\/[/\\]/.test(url)) return null;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\\]/.test(url)) return null;
  let resolved: URL;
  try {
    resolved = new URL(url, origin);
  } catch {
    return null;
  }
  if (resolved.origin !== new URL(origin).origin) return null;
  return `${resolved.pathname}${resolved.search}${resolved.hash}`;
}

const text = (v: unknown, max: number) =>
  typeof v === 'string' && v.trim() ? v.trim().slice(0, max) : null;

/** The notice in a push's JSON text; the fallback in `locale` when it is missing or unreadable. */
export function readPushNotice(
  data: string | null | undefined,
  origin: string,
  locale: Locale
): ShownNotice {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(data ?? '');
  } catch {
    return fallbackNotice(locale);
  }
  if (!parsed || typeof parsed !== 'object') return fallbackNotice(locale);
  const title = text(parsed.title, 120);
  if (!title) return fallbackNotice(locale);
  return {
    title,
    body: text(parsed.body, 240) ?? '',
    tag: text(parsed.tag, 80) ?? 'sheaf',
    url: appPath(parsed.url, origin) ?? '/p'
  };
}
