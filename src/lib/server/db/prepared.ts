// Hot queries built once per database handle. Drizzle builds a query's SQL text from its pieces
// on every call: under bench/load that building was the largest share of the app's own CPU. A
// prepared query is built on its first use and then only filled in (sql.placeholder values);
// postgres.js also keeps the statement prepared on each connection.
import type { Db } from './client';

const built = new WeakMap<object, Map<string, unknown>>();

/**
 * The query `build` makes for this database handle, made on first use. `name` is unique per
 * query. Values that change between calls (ids, the time now) must be placeholders: anything
 * else is fixed at the first call. A placeholder's value goes to the driver as it is, without
 * the column's mapping: pass a time as an ISO string, not a Date (postgres.js refuses one).
 */
export function preparedOnce<T>(db: Db, name: string, build: (db: Db) => T): T {
  let queries = built.get(db);
  if (!queries) built.set(db, (queries = new Map()));
  let query = queries.get(name) as T | undefined;
  if (query === undefined) {
    query = build(db);
    queries.set(name, query);
  }
  return query;
}

/**
 * A list of uuids as one placeholder's value, for `= any(${placeholder}::uuid[])`: a
 * PostgreSQL array literal, so one statement text serves every length (an `in ($1, …, $n)` is a
 * new statement for each). Only for ids read from the database (uuids: nothing to quote).
 */
export function uuidArray(ids: readonly string[]): string {
  // Checked all the same: text with a comma or a brace would become more than one element and
  // widen an `= any(…)` filter to rows nobody asked for.
  const notUuid = ids.find((id) => !isUuid(id));
  if (notUuid !== undefined) throw new TypeError(`uuidArray: not a uuid: ${notUuid.slice(0, 40)}`);
  return `{${ids.join(',')}}`;
}
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A uuid in its text form, any case: route ids, and the ids a statement takes as text. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
