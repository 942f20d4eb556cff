import { describe, expect, it } from 'vitest';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { buildLedger } from './ledger';
import { makeStatementPdf, money } from './statement-pdf';

async function open(bytes: Uint8Array) {
  return getDocument({ data: new Uint8Array(bytes), verbosity: 0 }).promise;
}

async function pageText(bytes: Uint8Array, n: number) {
  const doc = await open(bytes);
  const content = await (await doc.getPage(n)).getTextContent();
  return content.items.map((i) => ('str' in i ? i.str : '')).join(' ');
}

const base = { firmName: 'Harbor & Pine Bookkeeping', clientName: 'Bluebird Bakery LLC' };

describe('makeStatementPdf', () => {
  it('makes exactly the number of pages asked for, each with the firm and page number', async () => {
    const bytes = await makeStatementPdf({ ...base, period: '2026-Q3', pages: 60 });
    const doc = await open(bytes);
    expect(doc.numPages).toBe(60);
    const last = await pageText(bytes, 60);
    expect(last).toContain('Harbor & Pine Bookkeeping');
    expect(last).toContain('Page 60 of 60');
    expect(last).toContain('General ledger detail');
  });

  it('starts with a balance sheet that balances, then P&L and bank reconciliation', async () => {
    const bytes = await makeStatementPdf({ ...base, period: '2026-Q2', pages: 3 });
    const ledger = buildLedger('Bluebird Bakery LLC|2026-Q2', '2026-Q2', 3);
    const total = (xs: { amount: number }[]) =>
      Math.round(xs.reduce((a, x) => a + x.amount * 100, 0));
    expect(total(ledger.assets)).toBe(total(ledger.liabilities) + total(ledger.equity));
    const adjusted =
      Math.round(ledger.bank.statementBalance * 100) +
      total(ledger.bank.depositsInTransit) -
      total(ledger.bank.outstanding);
    expect(adjusted).toBe(Math.round(ledger.bank.bookBalance * 100));
    const last = ledger.transactions.at(-1)!;
    expect(last.balance).toBeCloseTo(ledger.bank.bookBalance, 2);

    const first = await pageText(bytes, 1);
    expect(first).toContain('Balance sheet');
    expect(first).toContain('Quarter ended June 30, 2026');
    expect(first).toContain(money(total(ledger.assets) / 100));
    expect(await pageText(bytes, 2)).toContain('Net income');
    expect(await pageText(bytes, 3)).toContain('Difference');
  });

  it('is deterministic for a client and period', async () => {
    const a = buildLedger('X|2026-Q3', '2026-Q3');
    const b = buildLedger('X|2026-Q3', '2026-Q3');
    expect(a).toEqual(b);
    expect(buildLedger('Y|2026-Q3', '2026-Q3').netIncome).not.toBe(a.netIncome);
  });

  it('rejects a malformed period', async () => {
    await expect(makeStatementPdf({ ...base, period: 'Q3 2026', pages: 1 })).rejects.toThrow(
      /expected e.g. 2026-Q3/
    );
  });

  it('formats negatives the way accountants do', () => {
    expect(money(-1234.5)).toBe('(1,234.50)');
    expect(money(0)).toBe('0.00');
  });
});
