import { and, asc, count, eq, ilike, isNotNull, isNull, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { client, type Client } from '../db/schema';

export interface ClientInput {
  name: string;
  code: string;
}

export class ClientCodeTakenError extends Error {
  constructor(public code: string) {
    super(`Another client already uses the code ${code}.`);
  }
}

const isUniqueViolation = (error: unknown) =>
  (error as { cause?: { code?: string } })?.cause?.code === '23505' ||
  (error as { code?: string })?.code === '23505';

/** Codes are compared upper-cased and without surrounding spaces. */
export const normalizeCode = (code: string) => code.trim().toUpperCase();

export async function listClients(
  db: Db,
  firmId: string,
  options: { q?: string; archived?: boolean } = {}
) {
  const q = options.q?.trim();
  const pattern = q ? `%${q.replace(/[\\%_]/g, (c) => '\\' + c)}%` : null;
  return db
    .select({
      id: client.id,
      name: client.name,
      code: client.code,
      archivedAt: client.archivedAt,
      /** Null when nobody (still a member) is named: the owners hear of it. */
      responsibleName: sql<
        string | null
      >`(select coalesce(nullif(u.name, ''), u.email) from membership m join "user" u on u.id = m.user_id where m.firm_id = "client"."firm_id" and m.user_id = "client"."responsible_user_id")`,
      contacts: sql<number>`(select count(*)::int from client_contact cc where cc.client_id = "client"."id")`,
      packets: sql<number>`(select count(*)::int from packet p where p.client_id = "client"."id")`
    })
    .from(client)
    .where(
      and(
        eq(client.firmId, firmId),
        options.archived ? isNotNull(client.archivedAt) : isNull(client.archivedAt),
        pattern ? or(ilike(client.name, pattern), ilike(client.code, pattern)) : undefined
      )
    )
    .orderBy(asc(client.name));
}

/** Whether the firm has any client that is not archived. */
export async function hasActiveClients(db: Db, firmId: string): Promise<boolean> {
  const rows = await db
    .select({ id: client.id })
    .from(client)
    .where(and(eq(client.firmId, firmId), isNull(client.archivedAt)))
    .limit(1);
  return rows.length > 0;
}

export async function countArchivedClients(db: Db, firmId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(client)
    .where(and(eq(client.firmId, firmId), isNotNull(client.archivedAt)));
  return row.n;
}

/** The firm's client, or null (another firm's id is indistinguishable from a missing one). */
export async function getClient(db: Db, firmId: string, clientId: string): Promise<Client | null> {
  const [row] = await db
    .select()
    .from(client)
    .where(and(eq(client.id, clientId), eq(client.firmId, firmId)));
  return row ?? null;
}

/** A new client; `responsibleUserId` (who created it, normally) hears of its questions. */
export async function createClient(
  db: Db,
  firmId: string,
  input: ClientInput,
  responsibleUserId: string | null = null
): Promise<Client> {
  const code = normalizeCode(input.code);
  try {
    const [row] = await db
      .insert(client)
      .values({ firmId, name: input.name.trim(), code, responsibleUserId })
      .returning();
    return row;
  } catch (error) {
    if (isUniqueViolation(error)) throw new ClientCodeTakenError(code);
    throw error;
  }
}

export async function updateClient(
  db: Db,
  firmId: string,
  clientId: string,
  input: ClientInput
): Promise<Client | null> {
  const code = normalizeCode(input.code);
  try {
    const [row] = await db
      .update(client)
      .set({ name: input.name.trim(), code })
      .where(and(eq(client.id, clientId), eq(client.firmId, firmId)))
      .returning();
    return row ?? null;
  } catch (error) {
    if (isUniqueViolation(error)) throw new ClientCodeTakenError(code);
    throw error;
  }
}

/** Archived clients leave lists and bulk matching; their packets and history stay. */
export async function setClientArchived(
  db: Db,
  firmId: string,
  clientId: string,
  archived: boolean
): Promise<Client | null> {
  const [row] = await db
    .update(client)
    .set({ archivedAt: archived ? new Date() : null })
    .where(and(eq(client.id, clientId), eq(client.firmId, firmId)))
    .returning();
  return row ?? null;
}
