// Draws Sheaf's mark (a sheaf of stacked sheets) as SVG and rasterises the PWA icons with
// Debian's Chromium: `npx tsx scripts/make-icons.ts`. The PNGs are committed; rerun after edits.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'static');
const BRAND = '#1f6f5c';

/** The mark on a 100×100 grid: two fanned sheets behind a front sheet with a checked line. */
function mark(): string {
  return `
  <g transform="rotate(-12 50 58)"><rect x="27" y="20" width="46" height="60" rx="6" fill="#ffffff" opacity="0.38"/></g>
  <g transform="rotate(-5 50 58)"><rect x="27" y="20" width="46" height="60" rx="6" fill="#ffffff" opacity="0.62"/></g>
  <rect x="29" y="22" width="46" height="60" rx="6" fill="#ffffff"/>
  <rect x="37" y="33" width="24" height="4.5" rx="2.25" fill="${BRAND}" opacity="0.55"/>
  <rect x="37" y="42" width="30" height="4.5" rx="2.25" fill="${BRAND}" opacity="0.35"/>
  <rect x="37" y="51" width="18" height="4.5" rx="2.25" fill="${BRAND}" opacity="0.35"/>
  <path d="M44 68.5 l5.5 5.5 l11 -11" fill="none" stroke="${BRAND}" stroke-width="5" stroke-linecap="round" stroke-linejoin="round"/>`;
}

/** padding: fraction of the canvas left around the mark; rounded: corner radius or full bleed. */
function icon({ padding, radius }: { padding: number; radius: number }): string {
  const scale = 1 - 2 * padding;
  const offset = 100 * padding;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">
  <defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#2a8a72"/><stop offset="1" stop-color="${BRAND}"/></linearGradient></defs>
  <rect width="100" height="100" rx="${radius}" fill="url(#g)"/>
  <g transform="translate(${offset} ${offset}) scale(${scale})">${mark()}</g>
</svg>`;
}

const favicon = icon({ padding: 0, radius: 22 });
const regular = icon({ padding: 0.02, radius: 22 });
// Maskable: full bleed, mark inside the central 80 % safe zone.
const maskable = icon({ padding: 0.14, radius: 0 });
// iOS rounds corners itself and shows transparency as black: square and opaque.
const apple = icon({ padding: 0.08, radius: 0 });

const targets: Array<[file: string, svg: string, size: number]> = [
  ['icons/icon-192.png', regular, 192],
  ['icons/icon-512.png', regular, 512],
  ['icons/maskable-512.png', maskable, 512],
  ['icons/apple-touch-icon.png', apple, 180]
];

writeFileSync(path.join(out, 'favicon.svg'), favicon.replace(/\n\s*/g, '') + '\n');
writeFileSync(path.join(out, 'icons', 'icon.svg'), regular.replace(/\n\s*/g, '') + '\n');

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu']
});
try {
  for (const [file, svg, size] of targets) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    await page.setContent(
      `<html><body style="margin:0;background:transparent">${svg.replace('<svg ', `<svg width="${size}" height="${size}" `)}</body></html>`
    );
    await page.screenshot({ path: path.join(out, file), omitBackground: true });
    await page.close();
    console.log(`wrote static/${file} (${size}×${size})`);
  }
} finally {
  await browser.close();
}
