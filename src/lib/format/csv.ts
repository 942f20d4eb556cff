// Writing CSV (RFC 4180) that is safe to open in a spreadsheet. The one writer: audit exports use
// it; reading CSV (the client import) is csv-parse's job.

/** A cell: text, a number, or nothing (an empty cell). */
export type CsvValue = string | number | null | undefined;

/** The line end RFC 4180 asks for, inside quoted cells too when the text has one. */
export const CSV_LINE_END = '\r\n';

/**
 * A byte-order mark to put before the first row: Excel reads a CSV without one in the machine's
 * legacy code page, turning "Zoë" into "ZoÃ«"; with it, Excel, Numbers, LibreOffice and Google
 * Sheets all read UTF-8. Parsers that do not expect it should strip U+FEFF.
 */
export const CSV_BOM = '\uFEFF';

// Spreadsheets read a cell starting with one of these as a formula (OWASP "CSV injection");
// tab and CR start one after the program trims them.
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** The text, with a leading ' when a spreadsheet would otherwise run it as a formula. */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/**
 * One cell as it goes in the file: text is neutralised against formulas, then quoted when it
 * holds a comma, quote, CR or LF (quotes doubled). Numbers are written as they are: they are the
 * writer's own (a version), never someone's text.
 */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = neutraliseFormula(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record, ended with CRLF. */
export function csvRow(values: readonly CsvValue[]): string {
  // A loop rather than map/join: an export writes millions of cells.
  let line = '';
  for (let i = 0; i < values.length; i++) line += (i ? ',' : '') + csvCell(values[i]);
  return line + CSV_LINE_END;
}
