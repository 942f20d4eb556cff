// Realistic quarterly statements for the demo firm, tests and benchmarks: a balance sheet, a
// profit and loss statement, a bank reconciliation and as many pages of ledger detail as asked
// for. The numbers are generated from a seed (client + period) and add up.
import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { buildLedger, type Ledger, type Line } from './ledger';

export interface StatementOptions {
  firmName: string;
  clientName: string;
  /** e.g. 2026-Q3 */
  period: string;
  /** Total pages, at least 1 (default 5). */
  pages?: number;
  /** Which statements to include before the ledger detail (default all three). */
  sections?: Array<'balance' | 'pnl' | 'bank'>;
  /** Title on the first page header, e.g. "Financial statements". */
  title?: string;
}

/** Every statement page is US Letter, in PDF points. */
export const STATEMENT_PAGE = { width: 612, height: 792 } as const;
const W = STATEMENT_PAGE.width;
const H = STATEMENT_PAGE.height;
const M = 54;
const INK = rgb(0.11, 0.11, 0.12);
const MUTED = rgb(0.4, 0.41, 0.43);
const RULE = rgb(0.82, 0.82, 0.8);
const BRAND = rgb(0.12, 0.44, 0.36);
const BAND = rgb(0.95, 0.96, 0.95);
const LEDGER_ROWS = 34;

interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
}

/** A multi-page statement PDF (Letter size). Page count is exactly `pages`. */
export async function makeStatementPdf(options: StatementOptions): Promise<Uint8Array> {
  const total = Math.max(1, Math.floor(options.pages ?? 5));
  const ledger = buildLedger(`${options.clientName}|${options.period}`, options.period, total);
  const pdf = await PDFDocument.create();
  pdf.setTitle(`${options.title ?? 'Financial statements'} — ${options.clientName}`);
  pdf.setAuthor(options.firmName);
  pdf.setSubject(`${options.period} review`);
  pdf.setCreator('Sheaf');
  pdf.setCreationDate(ledger.periodEnd);
  pdf.setModificationDate(ledger.periodEnd);
  const fonts = {
    regular: await pdf.embedFont(StandardFonts.Helvetica),
    bold: await pdf.embedFont(StandardFonts.HelveticaBold)
  };
  const sections = (options.sections ?? ['balance', 'pnl', 'bank']).slice(0, total);
  let number = 0;
  const next = (title: string) => {
    const page = pdf.addPage([W, H]);
    number++;
    frame(page, fonts, options, ledger, title, number, total);
    return page;
  };
  for (const section of sections) {
    if (section === 'balance') balanceSheet(next('Balance sheet'), fonts, ledger);
    if (section === 'pnl') profitAndLoss(next('Profit and loss'), fonts, ledger);
    if (section === 'bank') bankReconciliation(next('Bank reconciliation'), fonts, ledger);
  }
  let row = 0;
  while (number < total) {
    const page = next('General ledger detail — operating account');
    row = ledgerDetail(page, fonts, ledger, row);
  }
  return pdf.save({ useObjectStreams: true });
}

function frame(
  page: PDFPage,
  f: Fonts,
  o: StatementOptions,
  l: Ledger,
  title: string,
  n: number,
  total: number
) {
  page.drawRectangle({ x: 0, y: H - 8, width: W, height: 8, color: BRAND });
  text(page, f.bold, o.firmName, M, H - 48, 11, BRAND);
  right(page, f.regular, `Prepared for ${o.clientName}`, W - M, H - 48, 9, MUTED);
  text(page, f.bold, title, M, H - 84, 18);
  text(page, f.regular, `${o.clientName} · ${l.periodLabel}`, M, H - 102, 10, MUTED);
  page.drawLine({ start: { x: M, y: H - 114 }, end: { x: W - M, y: H - 114 }, color: RULE });
  page.drawLine({ start: { x: M, y: 52 }, end: { x: W - M, y: 52 }, color: RULE });
  text(page, f.regular, `${o.firmName} · Unaudited — for management review`, M, 38, 8, MUTED);
  right(page, f.regular, `Page ${n} of ${total}`, W - M, 38, 8, MUTED);
}

function balanceSheet(page: PDFPage, f: Fonts, l: Ledger) {
  let y = H - 144;
  right(page, f.bold, `As of ${l.periodEndLabel}`, W - M, y, 9, MUTED);
  y -= 24;
  y = group(page, f, 'Assets', l.assets, 'Total assets', y);
  y -= 10;
  y = group(page, f, 'Liabilities', l.liabilities, 'Total liabilities', y);
  y -= 10;
  y = group(page, f, 'Equity', l.equity, 'Total equity', y);
  y -= 6;
  totalRow(page, f, 'Total liabilities and equity', sum(l.liabilities) + sum(l.equity), y, true);
}

function profitAndLoss(page: PDFPage, f: Fonts, l: Ledger) {
  let y = H - 144;
  right(page, f.bold, 'Year to date', W - M, y, 9, MUTED);
  right(page, f.bold, l.quarterLabel, W - M - 110, y, 9, MUTED);
  y -= 24;
  y = group(page, f, 'Income', l.income, 'Total income', y, l.incomeYtd);
  y -= 10;
  y = group(page, f, 'Cost of sales', l.cogs, 'Total cost of sales', y, l.cogsYtd);
  y -= 4;
  const gross = sum(l.income) - sum(l.cogs);
  totalRow(page, f, 'Gross profit', gross, y, false, sum(l.incomeYtd) - sum(l.cogsYtd));
  y -= 30;
  y = group(
    page,
    f,
    'Operating expenses',
    l.expenses,
    'Total operating expenses',
    y,
    l.expensesYtd
  );
  y -= 6;
  totalRow(page, f, 'Net income', l.netIncome, y, true, l.netIncomeYtd);
}

function bankReconciliation(page: PDFPage, f: Fonts, l: Ledger) {
  const b = l.bank;
  let y = H - 144;
  text(page, f.regular, `${b.account} · statement ending ${l.periodEndLabel}`, M, y, 10, MUTED);
  y -= 28;
  amountRow(page, f.bold, 'Balance per bank statement', b.statementBalance, y);
  y -= 26;
  y = itemTable(page, f, 'Add: deposits in transit', b.depositsInTransit, y);
  y = itemTable(page, f, 'Less: outstanding checks and payments', b.outstanding, y);
  const adjusted = b.statementBalance + sum(b.depositsInTransit) - sum(b.outstanding);
  totalRow(page, f, 'Adjusted bank balance', adjusted, y, false);
  y -= 28;
  totalRow(page, f, 'Balance per general ledger', b.bookBalance, y, false);
  y -= 28;
  totalRow(page, f, 'Difference', round(adjusted - b.bookBalance), y, true);
  y -= 40;
  text(page, f.regular, `Reconciled by ${l.preparer} on ${l.reconciledLabel}.`, M, y, 9, MUTED);
}

function ledgerDetail(page: PDFPage, f: Fonts, l: Ledger, start: number): number {
  let y = H - 140;
  const cols = [M, M + 62, M + 112, W - M - 190, W - M - 110, W - M];
  page.drawRectangle({ x: M - 4, y: y - 6, width: W - 2 * M + 8, height: 20, color: BAND });
  text(page, f.bold, 'Date', cols[0], y, 8.5);
  text(page, f.bold, 'Ref', cols[1], y, 8.5);
  text(page, f.bold, 'Description', cols[2], y, 8.5);
  right(page, f.bold, 'Deposits', cols[3] + 40, y, 8.5);
  right(page, f.bold, 'Payments', cols[4] + 40, y, 8.5);
  right(page, f.bold, 'Balance', cols[5], y, 8.5);
  y -= 22;
  let i = start;
  for (let r = 0; r < LEDGER_ROWS && i < l.transactions.length; r++, i++) {
    const t = l.transactions[i];
    if (r % 2 === 1) {
      page.drawRectangle({ x: M - 4, y: y - 5, width: W - 2 * M + 8, height: 17, color: BAND });
    }
    text(page, f.regular, t.date, cols[0], y, 8.5);
    text(page, f.regular, t.ref, cols[1], y, 8.5, MUTED);
    text(page, f.regular, t.description, cols[2], y, 8.5);
    if (t.amount >= 0) right(page, f.regular, money(t.amount), cols[3] + 40, y, 8.5);
    else right(page, f.regular, money(-t.amount), cols[4] + 40, y, 8.5);
    right(page, f.regular, money(t.balance), cols[5], y, 8.5);
    y -= 17;
  }
  return i;
}

function group(
  page: PDFPage,
  f: Fonts,
  heading: string,
  lines: Line[],
  totalLabel: string,
  y: number,
  ytd?: Line[]
): number {
  text(page, f.bold, heading, M, y, 11);
  y -= 18;
  lines.forEach((line, i) => {
    text(page, f.regular, line.label, M + 14, y, 10);
    if (ytd) {
      right(page, f.regular, money(line.amount), W - M - 110, y, 10);
      right(page, f.regular, money(ytd[i].amount), W - M, y, 10);
    } else right(page, f.regular, money(line.amount), W - M, y, 10);
    y -= 16;
  });
  totalRow(page, f, totalLabel, sum(lines), y - 6, false, ytd ? sum(ytd) : undefined);
  return y - 34;
}

function itemTable(page: PDFPage, f: Fonts, heading: string, items: Line[], y: number): number {
  text(page, f.bold, heading, M, y, 10.5);
  y -= 18;
  for (const item of items) {
    text(page, f.regular, item.label, M + 14, y, 9.5);
    right(page, f.regular, money(item.amount), W - M - 110, y, 9.5);
    y -= 15;
  }
  right(page, f.bold, money(sum(items)), W - M, y + 15, 9.5);
  return y - 14;
}

function totalRow(
  page: PDFPage,
  f: Fonts,
  label: string,
  amount: number,
  y: number,
  strong: boolean,
  ytd?: number
) {
  const from = ytd === undefined ? W - M - 100 : W - M - 210;
  page.drawLine({ start: { x: from, y: y + 12 }, end: { x: W - M, y: y + 12 }, color: RULE });
  if (strong) {
    page.drawLine({ start: { x: from, y: y - 5 }, end: { x: W - M, y: y - 5 }, color: INK });
    page.drawLine({ start: { x: from, y: y - 7 }, end: { x: W - M, y: y - 7 }, color: INK });
  }
  text(page, f.bold, label, M, y, 10);
  if (ytd === undefined) right(page, f.bold, money(amount), W - M, y, 10);
  else {
    right(page, f.bold, money(amount), W - M - 110, y, 10);
    right(page, f.bold, money(ytd), W - M, y, 10);
  }
}

function amountRow(page: PDFPage, font: PDFFont, label: string, amount: number, y: number) {
  text(page, font, label, M, y, 10.5);
  right(page, font, money(amount), W - M, y, 10.5);
}

function text(
  page: PDFPage,
  font: PDFFont,
  value: string,
  x: number,
  y: number,
  size: number,
  color = INK
) {
  page.drawText(value, { x, y, size, font, color });
}

function right(
  page: PDFPage,
  font: PDFFont,
  value: string,
  x: number,
  y: number,
  size: number,
  color = INK
) {
  page.drawText(value, { x: x - font.widthOfTextAtSize(value, size), y, size, font, color });
}

const formatter = new Intl.NumberFormat('en-US', {
  minimumFractionDigits: 2,
  maximumFractionDigits: 2
});

/** 1234.5 -> "1,234.50"; negatives in parentheses as accountants write them. */
export function money(amount: number): string {
  const s = formatter.format(Math.abs(amount));
  return amount < 0 ? `(${s})` : s;
}

const sum = (lines: Line[]) => round(lines.reduce((a, l) => a + l.amount, 0));
const round = (n: number) => Math.round(n * 100) / 100;
