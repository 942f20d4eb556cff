// How big a page is drawn. pdf-boot.js paints page 1 before the app runs and must land on the
// very same size and canvas as PdfViewer/PdfPage, so the page hands it these numbers (data-fit,
// data-max-pixels on its <script>) rather than the boot script keeping its own copies.

/** Fit to width on phones (less a margin); on wide screens a comfortable reading width. */
export const FIT = { min: 200, max: 920, margin: 24 } as const;

// Big canvases crash mobile Safari (its limit is ~16.7 million pixels per canvas).
export const MAX_PIXELS = 12_000_000;

/** CSS width of a page at zoom 1 in a scroller `width` CSS pixels wide. */
export function fitWidth(width: number): number {
  return Math.max(FIT.min, Math.min(width - FIT.margin, FIT.max));
}

/** Canvas pixels per CSS pixel for a page of this CSS size: the screen's, within MAX_PIXELS. */
export function outputRatio(width: number, height: number, devicePixelRatio: number): number {
  const dpr = Math.min(devicePixelRatio || 1, 3);
  return Math.min(dpr, Math.sqrt(MAX_PIXELS / (width * height)));
}

/**
 * The `sizes` of page 1's picture: the width its frame has at zoom 1 (fitWidth of a scroller as
 * wide as the window), so the browser fetches the width that is sharp at the screen's ratio.
 */
export const PREVIEW_SIZES = `(max-width: ${FIT.min + FIT.margin}px) ${FIT.min}px, (max-width: ${FIT.max + FIT.margin}px) calc(100vw - ${FIT.margin}px), ${FIT.max}px`;

/**
 * Page 1's picture stands in for its canvas while it has at least this share of the canvas's
 * pixels across (5 % softer is not visible; the browser picked it for this screen).
 */
export const PICTURE_SHARP_ENOUGH = 0.95;

/** Widths in device pixels the server draws page 1 at (/api/files/[docId]/page-1/[width]). */
export const PREVIEW_WIDTHS = [400, 800, 1200] as const;

/**
 * How many pixels across the picture the browser chose has: its URL ends in its width
 * (`naturalWidth` is in CSS pixels for a srcset pick, divided by the density it was chosen for).
 */
export function picturePixels(img: HTMLImageElement): number {
  return Number(/\/(\d+)$/.exec(img.currentSrc)?.[1] ?? 0);
}

/** The `srcset` of page 1's picture, from its route's base (/api/files/[docId]/page-1). */
export function previewSrcset(base: string): string {
  return PREVIEW_WIDTHS.map((w) => `${base}/${w} ${w}w`).join(', ');
}
