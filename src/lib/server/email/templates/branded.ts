// One branded layout for every mail a firm sends: table-based, inline styles, a colour-scheme
// aware dark mode for clients that support it, and a plain-text twin. The one remote image is the
// firm's logo, when it has one: sized and with the firm's name as its alt text, so a mail app that
// blocks images shows the name in its place.
import { mailLogo } from '../../firm/logo-key';
import type { Locale } from '../../../i18n/locale';
import { m as msg } from '../../../paraglide/messages.js';

/** A quoted earlier message shown above the intro: "You asked on …:" and what was asked. */
export interface EmailQuote {
  label: string;
  /** May be empty: then the label stands alone (e.g. "…and 2 more questions"). */
  body: string;
}

export interface BrandedEmail {
  firmName: string;
  /** The firm's colour, #rgb or #rrggbb; anything else falls back to Sheaf green. */
  brandColor?: string | null;
  /** The firm's logo column (firm/logo-key.ts); none: its initial on the brand colour. */
  logo?: string | null;
  /** Shown by mail apps next to the subject; defaults to the intro. */
  preheader?: string;
  heading: string;
  /** Quoted messages before the intro (the question a reply answers). */
  quotes?: EmailQuote[] | null;
  /** Paragraphs before the button; blank lines in a string also split paragraphs. */
  intro: string | string[];
  button?: { label: string; url: string } | null;
  /** A 6-digit code shown under the button. */
  code?: string | null;
  /** e.g. "This link works until Tue 2 Dec, 14:00." */
  expiry?: string | null;
  note?: string | null;
  /** The closing lines; defaults to the "didn't expect this?" line. */
  footer?: string | string[] | null;
  /** The recipient's language for the mail's own words; English when absent. */
  locale?: Locale;
}

export const DEFAULT_BRAND = '#1f6f5c';

export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function safeBrandColor(color: string | null | undefined): string {
  if (!color || !/^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(color)) return DEFAULT_BRAND;
  return color.length === 4
    ? `#${[...color.slice(1)].map((c) => c + c).join('')}`.toLowerCase()
    : color.toLowerCase();
}

/** White or near-black, whichever reads better on the brand colour (WCAG relative luminance). */
export function textOn(color: string): string {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(color.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.05 ? '#ffffff' : '#111111';
}

const isWebUrl = (url: string) => /^https?:\/\//i.test(url);
const paragraphsOf = (intro: string | string[]) =>
  (Array.isArray(intro) ? intro : [intro])
    .flatMap((p) => p.split(/\n\s*\n/))
    .map((p) => p.trim())
    .filter(Boolean);

const didntExpect = (code: boolean, locale: Locale) =>
  code ? msg.mail_didnt_expect_code({}, { locale }) : msg.mail_didnt_expect({}, { locale });

const FONT = `-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif`;

export function renderBrandedEmail(m: BrandedEmail): { html: string; text: string } {
  const locale = m.locale ?? 'en';
  const o = { locale };
  const brand = safeBrandColor(m.brandColor);
  const onBrand = textOn(brand);
  const firm = escapeHtml(m.firmName);
  const initial = escapeHtml(([...m.firmName.trim()][0] ?? 'S').toUpperCase());
  const paragraphs = paragraphsOf(m.intro);
  const footer = [m.footer ?? didntExpect(Boolean(m.code), locale)].flat();
  const button = m.button && isWebUrl(m.button.url) ? m.button : null;
  const preheader = m.preheader ?? paragraphs[0] ?? '';
  const quotes = m.quotes ?? [];
  const logo = mailLogo(m.logo);

  const p = (s: string, style = '') =>
    `<p class="ink" style="margin:0 0 16px;font-size:16px;line-height:1.5;color:#1d1d1b;${style}">${escapeHtml(s).replace(/\n/g, '<br>')}</p>`;

  const html = `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="supported-color-schemes" content="light dark">
<title>${escapeHtml(m.heading)}</title>
<style>
  :root { color-scheme: light dark; supported-color-schemes: light dark; }
  body { margin: 0; padding: 0; -webkit-text-size-adjust: 100%; }
  a.button:hover { filter: brightness(1.08); }
  @media (max-width: 480px) {
    .card { padding: 24px 20px !important; border-radius: 0 !important; }
    .outer { padding: 0 !important; }
  }
  @media (prefers-color-scheme: dark) {
    .bg { background: #121211 !important; }
    .card { background: #1e1e1c !important; border-color: #33332f !important; }
    .ink { color: #ecece8 !important; }
    .muted { color: #a9a9a2 !important; }
    .codebox { background: #2a2a27 !important; border-color: #3a3a35 !important; }
    .rule { border-color: #33332f !important; }
    .linktext { color: #cfcfc8 !important; }
    .quote { background: #2a2a27 !important; }
  }
</style>
</head>
<body class="bg" style="margin:0;padding:0;background:#f3f3ef;">
<div style="display:none;max-height:0;overflow:hidden;opacity:0;color:transparent;">${escapeHtml(preheader)}</div>
<table role="presentation" class="bg" width="100%" cellpadding="0" cellspacing="0" style="background:#f3f3ef;">
<tr><td class="outer" align="center" style="padding:24px 12px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:560px;">
<tr><td class="card" style="background:#ffffff;border:1px solid #e4e4de;border-radius:14px;padding:32px 32px 28px;font-family:${FONT};">
  <table role="presentation" cellpadding="0" cellspacing="0" style="margin:0 0 28px;"><tr>
    ${
      logo
        ? `<td style="padding:4px;border-radius:8px;background:#ffffff;"><img src="${escapeHtml(logo.url)}" width="${logo.width}" height="${logo.height}" alt="${firm}" style="display:block;border:0;outline:none;text-decoration:none;width:${logo.width}px;height:${logo.height}px;font:600 17px/1.3 ${FONT};color:#1d1d1b;"></td>`
        : `<td style="width:40px;height:40px;border-radius:10px;background:${brand};color:${onBrand};font:700 20px/40px ${FONT};text-align:center;">${initial}</td>
    <td class="ink" style="padding-left:12px;font:600 17px/1.3 ${FONT};color:#1d1d1b;">${firm}</td>`
    }
  </tr></table>
  <h1 class="ink" style="margin:0 0 16px;font:700 24px/1.25 ${FONT};color:#1d1d1b;">${escapeHtml(m.heading)}</h1>
  ${quotes
    .map(
      (
        q
      ) => `<div class="quote" style="margin:0 0 16px;padding:10px 14px;border-left:3px solid ${brand};border-radius:4px;background:#f6f6f2;">
    <p class="muted" style="margin:0;font-size:14px;line-height:1.4;color:#5c5c56;">${escapeHtml(q.label)}</p>${
      q.body
        ? `\n    <p class="ink" style="margin:4px 0 0;font-size:15px;line-height:1.5;color:#1d1d1b;">“${escapeHtml(q.body).replace(/\n/g, '<br>')}”</p>`
        : ''
    }
  </div>`
    )
    .join('\n  ')}
  ${paragraphs.map((x) => p(x)).join('\n  ')}
  ${
    button
      ? `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="margin:24px 0 8px;"><tr>
    <td align="center" style="border-radius:10px;background:${brand};">
      <a class="button" href="${escapeHtml(button.url)}" style="display:block;padding:16px 20px;border-radius:10px;background:${brand};color:${onBrand};font:700 18px/1.3 ${FONT};text-decoration:none;text-align:center;">${escapeHtml(button.label)}</a>
    </td></tr></table>`
      : ''
  }
  ${
    m.code
      ? `<p class="muted" style="margin:20px 0 8px;font-size:15px;line-height:1.4;color:#5c5c56;text-align:center;">${msg.mail_code_instead({}, o)}</p>
  <div class="codebox" style="margin:0 0 8px;padding:14px 8px;border:1px solid #e4e4de;border-radius:10px;background:#f6f6f2;text-align:center;">
    <span class="ink" style="font:700 32px/1.2 ui-monospace, 'SF Mono', Menlo, Consolas, monospace;letter-spacing:8px;margin-right:-8px;color:#1d1d1b;">${escapeHtml(m.code)}</span>
  </div>`
      : ''
  }
  ${m.expiry ? p(m.expiry, 'margin-top:20px;text-align:center;font-weight:600;') : ''}
  ${m.note ? p(m.note) : ''}
  ${
    button
      ? `<p class="muted" style="margin:24px 0 0;font-size:13px;line-height:1.5;color:#5c5c56;">${msg.mail_button_not_working({}, o)}<br><a class="linktext" href="${escapeHtml(button.url)}" style="color:#3d3d38;word-break:break-all;">${escapeHtml(button.url)}</a></p>`
      : ''
  }
  <hr class="rule" style="border:0;border-top:1px solid #e4e4de;margin:24px 0 16px;">
  ${footer.map((line) => `<p class="muted" style="margin:0 0 8px;font-size:13px;line-height:1.5;color:#5c5c56;">${escapeHtml(line)}</p>`).join('\n  ')}
  <p class="muted" style="margin:0;font-size:13px;line-height:1.5;color:#5c5c56;">${escapeHtml(msg.mail_sent_by({ firm: m.firmName }, o))}</p>
</td></tr>
</table>
</td></tr>
</table>
</body>
</html>`;

  const text = [
    m.firmName,
    '',
    m.heading,
    '',
    ...quotes.flatMap((q) => [
      q.label,
      ...(q.body
        ? q.body
            .split('\n')
            .map(
              (line, i, all) => `> ${i === 0 ? '“' : ''}${line}${i === all.length - 1 ? '”' : ''}`
            )
        : []),
      ''
    ]),
    ...paragraphs.flatMap((x) => [x, '']),
    ...(button ? [`${button.label}:`, button.url, ''] : []),
    ...(m.code ? [`${msg.mail_code_instead({}, o)} ${m.code}`, ''] : []),
    ...(m.expiry ? [m.expiry, ''] : []),
    ...(m.note ? [m.note, ''] : []),
    '--',
    ...footer,
    msg.mail_sent_by({ firm: m.firmName }, o)
  ].join('\n');
  return { html, text };
}
