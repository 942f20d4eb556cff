// A named prepared statement on PGlite, for the few queries that run on every request.
//
// PGlite's query() parses and plans the SQL again on every call, makes six calls into the
// WebAssembly backend (parse, describe, bind, describe, execute, sync), and copies every column
// of every row into its own buffer before parsing it. On PGlite the backend runs on the request's
// own thread, so all of that is the request's cost. Here the statement is parsed once, each call
// is one Bind + Execute + Sync message, and the statement returns its row as one text column (JSON):
// about a third of query()'s time. It takes the same two locks as query(), so it never runs in
// the middle of someone else's transaction.

/** The parts of a PGlite instance used here (its public, if underscored, interface). */
export interface PgliteBackend {
  execProtocol(
    message: Uint8Array,
    options?: { syncToFs?: boolean }
  ): Promise<{ messages: { name: string; fields?: unknown[] }[] }>;
  _runExclusiveTransaction<T>(fn: () => Promise<T>): Promise<T>;
  _runExclusiveQuery<T>(fn: () => Promise<T>): Promise<T>;
}

/** The PGlite instance behind a drizzle handle, or null when the handle is PostgreSQL. */
export function pgliteBackend(db: unknown): PgliteBackend | null {
  const client = (db as { $client?: Record<string, unknown> }).$client;
  return client &&
    typeof client.execProtocol === 'function' &&
    typeof client._runExclusiveQuery === 'function' &&
    'waitReady' in client
    ? (client as unknown as PgliteBackend)
    : null;
}

const concat = (parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/**
 * Runs `text` — a statement with one text column, e.g. `select json_build_array(…)::text` — as
 * the named prepared statement `name`, with text parameters. Resolves to the first row's value
 * or undefined when there is no row. The statement is parsed on first use, and again if the
 * backend no longer knows it.
 */
export function pgliteTextStatement(pg: PgliteBackend, name: string, text: string) {
  const lib = import('@electric-sql/pglite');
  let prepared = false;
  const run = async (values: string[]): Promise<string | undefined> => {
    const s = (await lib).protocol.serialize;
    const call = [s.bind({ statement: name, values }), s.execute({}), s.sync()];
    // Close first: a parse whose execute failed still took the name.
    if (!prepared) call.unshift(s.close({ type: 'S', name }), s.parse({ name, text }));
    const { messages } = await pg._runExclusiveTransaction(() =>
      pg._runExclusiveQuery(() => pg.execProtocol(concat(call), { syncToFs: false }))
    );
    prepared = true;
    const row = messages.find((m) => m.name === 'dataRow');
    const value = row?.fields?.[0];
    return typeof value === 'string' ? value : undefined;
  };
  return async (values: string[]): Promise<string | undefined> => {
    try {
      return await run(values);
    } catch (error) {
      // 26000: the backend lost the statement; 0A000: the tables under it changed shape
      // ("cached plan must not change result type"). Parse it again, once.
      const code = (error as { code?: string }).code;
      if (!prepared || (code !== '26000' && code !== '0A000')) throw error;
      prepared = false;
      return run(values);
    }
  };
}
