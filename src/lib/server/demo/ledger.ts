// The numbers behind a demo statement: deterministic for a seed, and consistent (assets equal
// liabilities plus equity, the bank reconciliation balances, the ledger runs to the book balance).
import { MONTH_NAMES, parsePeriod } from '../../format/periods';

export interface Line {
  label: string;
  amount: number;
}

export interface Transaction {
  date: string;
  ref: string;
  description: string;
  amount: number;
  balance: number;
}

export interface Ledger {
  periodLabel: string;
  quarterLabel: string;
  periodEnd: Date;
  periodEndLabel: string;
  reconciledLabel: string;
  preparer: string;
  income: Line[];
  incomeYtd: Line[];
  cogs: Line[];
  cogsYtd: Line[];
  expenses: Line[];
  expensesYtd: Line[];
  netIncome: number;
  netIncomeYtd: number;
  assets: Line[];
  liabilities: Line[];
  equity: Line[];
  bank: {
    account: string;
    statementBalance: number;
    bookBalance: number;
    depositsInTransit: Line[];
    outstanding: Line[];
  };
  transactions: Transaction[];
}

/** A small seeded PRNG (mulberry32) so the same client and period always give the same PDF. */
export function seededRandom(seed: string): () => number {
  let h = 1779033703 ^ seed.length;
  for (let i = 0; i < seed.length; i++) {
    h = Math.imul(h ^ seed.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const PAYEES = [
  'Deposit — customer payments',
  'Stripe payout',
  'Square deposit',
  'Payroll — Gusto',
  'Rent — Marlow Properties',
  'Pacific Gas & Electric',
  'Comcast Business',
  'Hartford Insurance',
  'Intuit QuickBooks',
  'Adobe Creative Cloud',
  'Staples',
  'Home Depot',
  'Shell fuel',
  'Sysco food service',
  'US Foods',
  'IRS EFTPS',
  'State sales tax',
  'Chase card payment',
  'Loan payment — SBA',
  'Google Workspace',
  'Costco Business',
  'Uline supplies',
  'Bank service charge',
  'Check deposit'
];

/** Builds one quarter's books. `pages` sizes the ledger detail so it fills those pages. */
export function buildLedger(seed: string, period: string, pages = 5): Ledger {
  const rnd = seededRandom(seed);
  const between = (lo: number, hi: number) => Math.round((lo + rnd() * (hi - lo)) * 100);
  const { year, quarter } = quarterOf(period);
  const endMonth = quarter * 3 - 1;
  const periodEnd = new Date(Date.UTC(year, endMonth + 1, 0));
  const periodEndLabel = `${MONTH_NAMES[endMonth]} ${periodEnd.getUTCDate()}, ${year}`;
  const scale = 0.5 + rnd() * 2.5;
  const cents = (lo: number, hi: number) => Math.round(between(lo * scale, hi * scale));
  const ytdOf = (c: number) => c + Math.round(c * (quarter - 1) * (0.85 + rnd() * 0.3));

  const income = [
    { label: 'Sales', c: cents(60_000, 140_000) },
    { label: 'Service revenue', c: cents(8_000, 30_000) },
    { label: 'Other income', c: cents(100, 1_500) }
  ];
  const cogs = [
    { label: 'Materials and inventory', c: cents(32_000, 52_000) },
    { label: 'Direct labor', c: cents(11_000, 20_000) },
    { label: 'Freight in', c: cents(400, 2_500) }
  ];
  const expenses = [
    { label: 'Wages and salaries', c: cents(19_000, 32_000) },
    { label: 'Payroll taxes', c: cents(1_200, 2_800) },
    { label: 'Rent', c: cents(6_000, 12_000) },
    { label: 'Utilities', c: cents(900, 2_400) },
    { label: 'Insurance', c: cents(800, 2_000) },
    { label: 'Software and subscriptions', c: cents(300, 1_400) },
    { label: 'Professional fees', c: cents(1_500, 4_000) },
    { label: 'Advertising and marketing', c: cents(500, 3_500) },
    { label: 'Vehicle and travel', c: cents(300, 2_200) },
    { label: 'Depreciation', c: cents(900, 2_100) },
    { label: 'Bank and merchant fees', c: cents(200, 1_300) }
  ];
  const toLines = (xs: { label: string; c: number }[]) =>
    xs.map((x) => ({ label: x.label, amount: x.c / 100 }));
  const ytdLines = (xs: { label: string; c: number }[]) =>
    xs.map((x) => ({ label: x.label, amount: ytdOf(x.c) / 100 }));
  const incomeYtd = ytdLines(income);
  const cogsYtd = ytdLines(cogs);
  const expensesYtd = ytdLines(expenses);
  const total = (xs: Line[]) => Math.round(xs.reduce((a, x) => a + x.amount * 100, 0));
  const netC = total(toLines(income)) - total(toLines(cogs)) - total(toLines(expenses));
  const netYtdC = total(incomeYtd) - total(cogsYtd) - total(expensesYtd);

  const checking = cents(18_000, 90_000);
  const savingsAt = 1;
  const assetsC = [
    { label: 'Operating account (checking)', c: checking },
    { label: 'Savings', c: 0 },
    { label: 'Accounts receivable', c: cents(8_000, 45_000) },
    { label: 'Inventory', c: cents(4_000, 38_000) },
    { label: 'Prepaid expenses', c: cents(500, 4_000) },
    { label: 'Equipment', c: cents(20_000, 80_000) }
  ];
  const accumulated = -cents(5_000, 19_000);
  assetsC.push({ label: 'Less accumulated depreciation', c: accumulated });
  const liabilitiesC = [
    { label: 'Accounts payable', c: cents(4_000, 25_000) },
    { label: 'Credit card', c: cents(800, 6_000) },
    { label: 'Sales tax payable', c: cents(600, 4_500) },
    { label: 'Payroll liabilities', c: cents(900, 3_800) },
    { label: 'SBA loan', c: cents(10_000, 55_000) }
  ];
  const liabilitiesTotal = liabilitiesC.reduce((a, x) => a + x.c, 0);
  const capital = cents(10_000, 30_000);
  let retained = cents(8_000, 45_000);
  // Savings balances the sheet; should it come out negative, retained earnings absorb it.
  const otherAssets = assetsC.reduce((a, x) => a + x.c, 0);
  const savings = liabilitiesTotal + capital + retained + netYtdC - otherAssets;
  assetsC[savingsAt].c = Math.max(savings, cents(2_000, 9_000));
  retained += assetsC[savingsAt].c - savings;
  const equityC = [
    { label: "Owner's capital", c: capital },
    { label: 'Retained earnings', c: retained },
    { label: 'Net income, year to date', c: netYtdC }
  ];

  const deposits = Array.from({ length: 1 + Math.floor(rnd() * 3) }, (_, i) => ({
    label: `${MONTHS[endMonth]} ${29 - i * 2} · Deposit ${4400 + Math.floor(rnd() * 500)}`,
    amount: between(400, 6_000) / 100
  }));
  const outstanding = Array.from({ length: 2 + Math.floor(rnd() * 4) }, (_, i) => ({
    label: `${MONTHS[endMonth]} ${27 - i * 3} · Check ${1020 + Math.floor(rnd() * 400)}`,
    amount: between(120, 4_800) / 100
  }));
  const centsOf = (xs: Line[]) => xs.reduce((a, x) => a + Math.round(x.amount * 100), 0);
  const statementC = checking - centsOf(deposits) + centsOf(outstanding);

  const rows = Math.max(24, pages * 34);
  const transactions = ledgerRows(rnd, year, quarter, rows, checking);
  const reconciled = new Date(Date.UTC(year, endMonth + 1, 12 + Math.floor(rnd() * 10)));

  return {
    periodLabel: `Quarter ended ${periodEndLabel}`,
    quarterLabel: `Q${quarter} ${year}`,
    periodEnd,
    periodEndLabel,
    reconciledLabel: `${MONTH_NAMES[reconciled.getUTCMonth()]} ${reconciled.getUTCDate()}, ${reconciled.getUTCFullYear()}`,
    preparer: ['J. Okafor', 'M. Lindqvist', 'R. Castillo'][Math.floor(rnd() * 3)],
    income: toLines(income),
    incomeYtd,
    cogs: toLines(cogs),
    cogsYtd,
    expenses: toLines(expenses),
    expensesYtd,
    netIncome: netC / 100,
    netIncomeYtd: netYtdC / 100,
    assets: toLines(assetsC),
    liabilities: toLines(liabilitiesC),
    equity: toLines(equityC),
    bank: {
      account: `Operating account ending ${1000 + Math.floor(rnd() * 9000)}`,
      statementBalance: statementC / 100,
      bookBalance: checking / 100,
      depositsInTransit: deposits,
      outstanding
    },
    transactions
  };
}

function ledgerRows(
  rnd: () => number,
  year: number,
  quarter: number,
  count: number,
  endingCents: number
): Transaction[] {
  const amounts: number[] = [];
  for (let i = 0; i < count; i++) {
    const deposit = rnd() < 0.35;
    const c = Math.round((deposit ? 300 + rnd() * 6_000 : 20 + rnd() * 2_500) * 100);
    amounts.push(deposit ? c : -c);
  }
  let balance = endingCents - amounts.reduce((a, c) => a + c, 0);
  const startMonth = (quarter - 1) * 3;
  return amounts.map((c, i) => {
    balance += c;
    const day = Math.floor((i / count) * 90);
    const date = new Date(Date.UTC(year, startMonth, 1 + day));
    const payee = c > 0 ? PAYEES[Math.floor(rnd() * 3)] : PAYEES[3 + Math.floor(rnd() * 20)];
    return {
      date: `${String(date.getUTCMonth() + 1).padStart(2, '0')}/${String(date.getUTCDate()).padStart(2, '0')}/${year}`,
      ref: c > 0 ? `DEP${100 + i}` : rnd() < 0.3 ? `CHK${1000 + i}` : `ACH${200 + i}`,
      description: payee,
      amount: c / 100,
      balance: balance / 100
    };
  });
}

/** "2026-Q3" -> {year: 2026, quarter: 3}; the demo's books are quarterly, so anything else throws. */
function quarterOf(period: string): { year: number; quarter: number } {
  const p = parsePeriod(period);
  if (p?.kind !== 'quarter') throw new Error(`Invalid period "${period}": expected e.g. 2026-Q3`);
  return { year: p.year, quarter: p.n };
}
