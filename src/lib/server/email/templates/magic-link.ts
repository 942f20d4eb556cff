// Placeholder rendering; the email work replaces the look (branded HTML, dark mode) while
// keeping this signature.
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
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function renderMagicLinkEmail(m: MagicLinkEmail): { html: string; text: string } {
  const until = m.expiresAt.toUTCString();
  const text = [
    m.heading,
    '',
    m.intro,
    '',
    `${m.buttonLabel}: ${m.url}`,
    m.code ? `\nOr enter this code: ${m.code}` : '',
    `\nThis link works until ${until}.`,
    m.note ?? '',
    "\nDidn't expect this? You can ignore this email."
  ].join('\n');
  const html = `<h1>${escape(m.heading)}</h1><p>${escape(m.intro)}</p><p><a href="${escape(m.url)}">${escape(m.buttonLabel)}</a></p>${m.code ? `<p>Code: <strong>${m.code}</strong></p>` : ''}<p>Works until ${escape(until)}.</p>`;
  return { html, text };
}
