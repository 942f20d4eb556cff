// The text layer's input, fed to pdf.js a slice at a time with a yield between slices, so
// building a page's text layer is a few short tasks rather than one long one.
import type { PDFPageProxy } from 'pdfjs-dist';
import { yieldToMain } from './idle';

type TextContent = Awaited<ReturnType<PDFPageProxy['getTextContent']>>;

const SLICE = 25;

export function slicedTextContent(content: TextContent): ReadableStream<TextContent> {
  let at = 0;
  return new ReadableStream<TextContent>({
    async pull(controller) {
      if (at > 0) await yieldToMain();
      controller.enqueue({ ...content, items: content.items.slice(at, at + SLICE) });
      at += SLICE;
      if (at >= content.items.length) controller.close();
    }
  });
}

/**
 * pdf.js sizes its transparent text at the page's scale (10 pt text is ~6 px on a phone) and
 * scales it back up by 1 / --min-font-size. Drawing it at LEGIBLE_PX_PER_PT px per point and
 * scaling down by the same factor puts every glyph in the same place while the computed
 * font-size, which browsers and audits judge, stays legible (12 px from 6 pt text up).
 */
const LEGIBLE_PX_PER_PT = 2;
export function legibleTextScale(scale: number, browserMinimum: number): number {
  return Math.max(browserMinimum || 1, LEGIBLE_PX_PER_PT / scale);
}
