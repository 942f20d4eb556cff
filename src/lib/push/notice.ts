// What the service worker makes of a push: the notice to show and the page a tap opens. A push
// names a path in this app only; anything else opens the packet list.

export interface ShownNotice {
  title: string;
  body: string;
  tag: string;
  /** A same-origin path: /p/<id>, /firm/packets/<id>#q-... */
  url: string;
}

/** Shown when a push arrives that cannot be read: a browser insists something is shown. */
export const FALLBACK_NOTICE: ShownNotice = {
  title: 'Sheaf',
  body: 'There is something new for you',
  tag: 'sheaf',
  url: '/p'
};

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

/** The notice in a push's JSON text; the fallback when it is missing or unreadable. */
export function readPushNotice(data: string | null | undefined, origin: string): ShownNotice {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(data ?? '');
  } catch {
    return FALLBACK_NOTICE;
  }
  if (!parsed || typeof parsed !== 'object') return FALLBACK_NOTICE;
  const title = text(parsed.title, 120);
  if (!title) return FALLBACK_NOTICE;
  return {
    title,
    body: text(parsed.body, 240) ?? '',
    tag: text(parsed.tag, 80) ?? 'sheaf',
    url: appPath(parsed.url, origin) ?? '/p'
  };
}
