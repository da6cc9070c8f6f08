import type BetterSqlite3 from "better-sqlite3";

/**
 * Kysely's SQLite driver prepares every query anew, and preparing (parsing and planning) costs
 * more than running the short statements of the hot paths: it was a fifth of the server's CPU
 * per state transition. Prepared statements are kept by their SQL text (a bounded, least
 * recently used set) and reused; parameters are bound per call, so reuse is safe, except for a
 * statement that is still being iterated (a streamed query), which gets a fresh one.
 */
export function cachePreparedStatements(connection: BetterSqlite3.Database, maxStatements = 500): void {
  const prepare = connection.prepare.bind(connection);
  const cache = new Map<string, BetterSqlite3.Statement>();
  connection.prepare = ((source: string) => {
    const cached = cache.get(source);
    if (cached && !cached.busy) {
      cache.delete(source);
      cache.set(source, cached);
      return cached;
    }
    const statement = prepare(source);
    if (!cached) {
      cache.set(source, statement);
      if (cache.size > maxStatements) cache.delete(cache.keys().next().value as string);
    }
    return statement;
  }) as typeof connection.prepare;
}
