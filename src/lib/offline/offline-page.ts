// The page the service worker answers a navigation with when there is no network and no saved
// copy: a packet that was not saved, or any other page. Self-contained (no app shell, no
// scripts), in the language of the device (page-locale.ts).
import type { Locale } from '../i18n/locale';
import { m } from '../paraglide/messages.js';

const PACKET_PATH = /^\/p\/[0-9a-f-]{36}/;

/** The offline page's HTML for `pathname`, in `locale`. */
export function offlinePageHtml(pathname: string, locale: Locale): string {
  const packet = PACKET_PATH.test(pathname);
  const title = packet ? m.sw_packet_title({}, { locale }) : m.sw_offline_title({}, { locale });
  const text = packet ? m.sw_packet_body({}, { locale }) : m.sw_offline_body({}, { locale });
  const link = m.sw_saved_link({}, { locale });
  return `<!doctype html><html lang="${locale}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="theme-color" content="#1f6f5c">
<title>${title} · Sheaf</title><style>
:root{color-scheme:light dark;--ink:#1c1f1e;--ink2:#55605c;--bg:#f7f7f4;--line:#dcdfd9;--brand:#1f6f5c}
@media (prefers-color-scheme:dark){:root{--ink:#eef1ef;--ink2:#a9b3af;--bg:#121514;--line:#2c3331;--brand:#5fc2a6}}
body{margin:0;font:17px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:var(--bg);color:var(--ink)}
main{max-width:28rem;margin:0 auto;padding:calc(48px + env(safe-area-inset-top)) 24px 32px;text-align:center}
svg{width:56px;height:56px;stroke:var(--brand);fill:none;stroke-width:1.8;stroke-linecap:round;stroke-linejoin:round}
h1{font-size:1.45rem;line-height:1.25;margin:16px 0 8px}p{color:var(--ink2);margin:0 0 24px}
a{display:inline-flex;align-items:center;justify-content:center;min-height:48px;padding:0 22px;border-radius:12px;background:var(--brand);color:#fff;font-weight:600;text-decoration:none}
@media (prefers-color-scheme:dark){a{color:#0d1a16}}
</style></head><body><main id="main">
<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M2 8.8a15 15 0 0 1 20 0M5 12.5a10 10 0 0 1 14 0M8.5 16a5 5 0 0 1 7 0M12 19.5h.01M3 3l18 18"/></svg>
<h1>${title}</h1><p>${text}</p><a href="/p">${link}</a></main></body></html>`;
}
