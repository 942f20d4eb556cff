// A packet's versions as the client reads them in its history and the "what changed" box.
import type { Locale } from '../i18n/locale';
import { m } from '../paraglide/messages.js';
import { joinWords } from './words';

/** The words for a changed detail (review/published.ts changedDetails names them). */
const DETAIL_WORDS: Record<string, (o: { locale: Locale }) => string> = {
  title: (o) => m.fmt_detail_title({}, o),
  period: (o) => m.fmt_detail_period({}, o),
  'due date': (o) => m.fmt_detail_due_date({}, o),
  note: (o) => m.fmt_detail_note({}, o)
};

/** One published version's changes in words: "Added X", "Removed Y", "Changed the title". */
export function describeVersionChanges(
  v: {
    added: string[];
    removed: string[];
    details: string[];
  },
  locale: Locale = 'en'
): string[] {
  const o = { locale };
  const lines: string[] = [];
  if (v.added.length) lines.push(m.fmt_changes_added({ items: joinWords(v.added, locale) }, o));
  if (v.removed.length) {
    lines.push(m.fmt_changes_removed({ items: joinWords(v.removed, locale) }, o));
  }
  if (v.details.length) {
    const details = v.details.map((d) => DETAIL_WORDS[d]?.(o) ?? d);
    lines.push(m.fmt_changes_details({ items: joinWords(details, locale) }, o));
  }
  return lines;
}
