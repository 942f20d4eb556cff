// Where a firm's logo lives and how big each of its fixed sizes is. `firm.logo` holds the blob key
// prefix `ab/<32 hex>.<W>x<H>`: a random id (a new one for every upload, so the URLs can be
// cached for ever) and the uploaded image's pixel size, from which each size's width and height
// follow without reading a blob. Every size is a PNG `<prefix>.logo.<height>.png`.
import { getConfig } from '../config';

/** The stored heights, each at most four times as wide (a wider logo is drawn less high). */
export const LOGO_HEIGHTS = [64, 128, 256] as const;
export type LogoHeight = (typeof LOGO_HEIGHTS)[number];
const MAX_ASPECT = 4;

export interface StoredLogo {
  /** 32 hex characters: the id in the public URL. */
  id: string;
  width: number;
  height: number;
}

const COLUMN = /^([0-9a-f]{2})\/([0-9a-f]{32})\.(\d{1,5})x(\d{1,5})$/;
const URL_ID = /^[0-9a-f]{32}\.\d{1,5}x\d{1,5}$/;

export function newLogoColumn(width: number, height: number): string {
  const id = crypto.randomUUID().replaceAll('-', '');
  return `${id.slice(0, 2)}/${id}.${width}x${height}`;
}

/** The column's logo, or null for none (or a value this version cannot read). */
export function parseLogoColumn(value: string | null | undefined): StoredLogo | null {
  const m = value ? COLUMN.exec(value) : null;
  if (!m || m[1] !== m[2].slice(0, 2)) return null;
  return { id: m[2], width: Number(m[3]), height: Number(m[4]) };
}

/** The logo a public URL segment (`<32 hex>.<W>x<H>`) names, or null. */
export function logoOfUrlSegment(segment: string): StoredLogo | null {
  return URL_ID.test(segment) ? parseLogoColumn(`${segment.slice(0, 2)}/${segment}`) : null;
}

export const isLogoHeight = (n: number): n is LogoHeight =>
  (LOGO_HEIGHTS as readonly number[]).includes(n);

const segmentOf = (logo: StoredLogo) => `${logo.id}.${logo.width}x${logo.height}`;

export const logoBlobKey = (logo: StoredLogo, height: LogoHeight) =>
  `${logo.id.slice(0, 2)}/${segmentOf(logo)}.logo.${height}.png`;

/** The public path of one size. */
export const logoPath = (logo: StoredLogo, height: LogoHeight) =>
  `/api/logos/${segmentOf(logo)}/${height}.png`;

/** The pixel size of a stored size: `height` high, or less when the logo is over 4:1. */
export function logoSize(
  logo: Pick<StoredLogo, 'width' | 'height'>,
  height: number
): { width: number; height: number } {
  if (logo.width <= logo.height * MAX_ASPECT) {
    return { width: Math.max(1, Math.round((height * logo.width) / logo.height)), height };
  }
  const width = height * MAX_ASPECT;
  return { width, height: Math.max(1, Math.round((width * logo.height) / logo.width)) };
}

/** What a page needs to show the logo at `cssHeight` (32 in the app bars) without a shift. */
export interface LogoView {
  src: string;
  srcset: string;
  width: number;
  height: number;
}

export function logoView(column: string | null | undefined, cssHeight = 32): LogoView | null {
  const logo = parseLogoColumn(column);
  if (!logo) return null;
  const size = logoSize(logo, cssHeight);
  return {
    src: logoPath(logo, 64),
    srcset: `${logoPath(logo, 64)} 2x, ${logoPath(logo, 128)} 4x`,
    width: size.width,
    height: size.height
  };
}

/** The logo in a mail: an absolute URL (mail apps fetch it without cookies) and its size. */
export interface MailLogo {
  url: string;
  width: number;
  height: number;
}

export const MAIL_LOGO_HEIGHT = 40;

export function mailLogo(
  column: string | null | undefined,
  origin = getConfig().origin
): MailLogo | null {
  const logo = parseLogoColumn(column);
  if (!logo) return null;
  return { url: `${origin}${logoPath(logo, 128)}`, ...logoSize(logo, MAIL_LOGO_HEIGHT) };
}
