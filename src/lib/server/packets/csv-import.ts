import { parse } from 'csv-parse/sync';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { client, clientContact, user, type Firm } from '../db/schema';
import { normalizeCode } from './clients';
import { normaliseEmail } from '$lib/format/email-address';
import { addContact, type ContactRole } from './contacts';

export interface CsvRow {
  /** 1-based line number in the file (the header is line 1). */
  line: number;
  clientName: string;
  code: string;
  contactName: string;
  email: string;
  role: ContactRole;
}

export interface CsvRowError {
  line: number;
  message: string;
}

export interface CsvImportResult {
  /** A whole-file problem (missing columns, unreadable file): nothing else is reported. */
  fileError: string | null;
  rows: (CsvRow & { outcome: 'new client' | 'new contact' | 'already there' })[];
  errors: CsvRowError[];
  clientsCreated: number;
  contactsAdded: number;
  unchanged: number;
  dryRun: boolean;
}

const COLUMNS: Record<keyof Omit<CsvRow, 'line'>, string[]> = {
  clientName: ['client name', 'client', 'client_name', 'company'],
  code: ['code', 'client code', 'client_code'],
  contactName: ['contact name', 'contact', 'contact_name', 'name'],
  email: ['email', 'e-mail', 'email address', 'contact email'],
  role: ['role']
};
const REQUIRED = ['clientName', 'code', 'email'] as const;
const LABEL = { clientName: 'client name', code: 'code', email: 'email' };
export const MAX_CSV_ROWS = 5000;

/** Reads the CSV: header names are matched loosely; role defaults to approver. */
export function parseClientCsv(text: string): {
  fileError: string | null;
  rows: CsvRow[];
  errors: CsvRowError[];
} {
  let records: string[][];
  try {
    records = parse(text.replace(/^\uFEFF/, ''), {
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true
    });
  } catch (error) {
    return {
      fileError: `The file is not valid CSV: ${(error as Error).message}`,
      rows: [],
      errors: []
    };
  }
  if (records.length === 0) return { fileError: 'The file is empty.', rows: [], errors: [] };
  const header = records[0].map((h) => h.trim().toLowerCase());
  const index = {} as Record<keyof typeof COLUMNS, number>;
  for (const [key, names] of Object.entries(COLUMNS) as [keyof typeof COLUMNS, string[]][]) {
    index[key] = header.findIndex((h) => names.includes(h));
  }
  const missing = REQUIRED.filter((k) => index[k] < 0).map((k) => LABEL[k]);
  if (missing.length) {
    return {
      fileError: `Missing column${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}. The first line must name the columns: client name, code, contact name, email, role.`,
      rows: [],
      errors: []
    };
  }
  if (records.length - 1 > MAX_CSV_ROWS) {
    return { fileError: `Too many rows: at most ${MAX_CSV_ROWS} at a time.`, rows: [], errors: [] };
  }
  const rows: CsvRow[] = [];
  const errors: CsvRowError[] = [];
  const seen = new Map<string, number>();
  const clientNames = new Map<string, string>();
  records.slice(1).forEach((record, i) => {
    const line = i + 2;
    const cell = (k: keyof typeof COLUMNS) =>
      index[k] >= 0 ? (record[index[k]] ?? '').trim() : '';
    const clientName = cell('clientName');
    const code = normalizeCode(cell('code'));
    const rawEmail = cell('email');
    const email = normaliseEmail(rawEmail);
    const role = (cell('role').toLowerCase() || 'approver') as ContactRole;
    const problems: string[] = [];
    if (!clientName) problems.push('client name is missing');
    if (!code) problems.push('code is missing');
    if (!rawEmail) problems.push('email is missing');
    else if (!email) problems.push(`"${rawEmail}" is not an email address`);
    if (role !== 'approver' && role !== 'viewer') {
      problems.push(`role "${cell('role')}" must be approver or viewer`);
    }
    if (code && clientName) {
      const known = clientNames.get(code);
      if (known && known.toLowerCase() !== clientName.toLowerCase()) {
        problems.push(`code ${code} is already used for "${known}" above`);
      } else clientNames.set(code, clientName);
    }
    if (!problems.length && email) {
      const key = `${code}\n${email}`;
      const first = seen.get(key);
      if (first) problems.push(`duplicate of line ${first} (${email} for ${code})`);
      else seen.set(key, line);
    }
    if (problems.length) errors.push({ line, message: problems.join('; ') });
    else
      rows.push({ line, clientName, code, contactName: cell('contactName'), email: email!, role });
  });
  return { fileError: null, rows, errors };
}

/**
 * Imports clients and contacts from CSV in one transaction. Re-importing the same file changes
 * nothing (clients match by code, contacts by email). A dry run reports without writing.
 * Rows with errors are skipped and listed; valid rows are imported.
 */
export async function importClientsCsv(
  db: Db,
  firm: Firm,
  text: string,
  options: { dryRun?: boolean; invite?: boolean; responsibleUserId?: string | null } = {}
): Promise<CsvImportResult> {
  const dryRun = options.dryRun ?? false;
  const parsed = parseClientCsv(text);
  const result: CsvImportResult = {
    fileError: parsed.fileError,
    rows: [],
    errors: parsed.errors,
    clientsCreated: 0,
    contactsAdded: 0,
    unchanged: 0,
    dryRun
  };
  if (parsed.fileError || parsed.rows.length === 0) return result;

  const run = async (tx: Db) => {
    const existing = await tx
      .select({ id: client.id, code: client.code })
      .from(client)
      .where(eq(client.firmId, firm.id));
    const clientIds = new Map(existing.map((c) => [c.code, c.id as string | null]));
    for (const row of parsed.rows) {
      let clientId = clientIds.get(row.code);
      let outcome: CsvImportResult['rows'][number]['outcome'];
      if (clientId === undefined) {
        result.clientsCreated++;
        outcome = 'new client';
        if (dryRun) clientId = null;
        else {
          const [created] = await tx
            .insert(client)
            .values({
              firmId: firm.id,
              name: row.clientName,
              code: row.code,
              responsibleUserId: options.responsibleUserId ?? null
            })
            .returning({ id: client.id });
          clientId = created.id;
        }
        clientIds.set(row.code, clientId);
      }
      if (clientId === null) {
        // a client this dry run would create: every contact on it is new
        if (outcome! === undefined) outcome = 'new contact';
        result.contactsAdded++;
      } else if (dryRun) {
        const isNew = !(await contactExists(tx, clientId, row.email));
        if (isNew) result.contactsAdded++;
        else result.unchanged++;
        outcome ??= isNew ? 'new contact' : 'already there';
      } else {
        const added = await addContact(
          tx,
          firm,
          clientId,
          { email: row.email, name: row.contactName, role: row.role, accessExpiresAt: null },
          { invite: options.invite }
        );
        if (added.created) result.contactsAdded++;
        else result.unchanged++;
        outcome ??= added.created ? 'new contact' : 'already there';
      }
      result.rows.push({ ...row, outcome: outcome! });
    }
  };
  if (dryRun) await run(db);
  else await db.transaction(async (tx) => run(tx));
  return result;
}

async function contactExists(db: Db, clientId: string, email: string): Promise<boolean> {
  const [row] = await db
    .select({ id: clientContact.id })
    .from(clientContact)
    .innerJoin(user, eq(user.id, clientContact.userId))
    .where(and(eq(clientContact.clientId, clientId), eq(user.email, email)))
    .limit(1);
  return !!row;
}
