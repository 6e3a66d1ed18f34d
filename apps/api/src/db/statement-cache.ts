/** The part of a better-sqlite3 connection the cache wraps. */
export interface PreparingConnection {
  prepare(sql: string): unknown;
}

/** Distinct SQL texts kept prepared per connection (a `whereIn` of each length is one). */
export const STATEMENT_CACHE_SIZE = 256;

/**
 * Makes `connection.prepare` remember its statements by SQL text, least recently used out first.
 * knex's better-sqlite3 dialect prepares every query anew, and preparing costs more than running:
 * 38 µs of each order's insert, 84 µs through the placements view whose trigger is compiled with
 * it (CPU profiles of the orders bench). A statement is run to completion (`all()` / `run()`) before
 * the next query, so sharing one is safe; SQLite re-prepares it itself after a schema change. Not
 * for code that leaves a statement mid-`iterate()` or sets per-query modes on it (knex's
 * `safeIntegers` option), which the apps do not.
 */
export function cachePreparedStatements(
  connection: PreparingConnection,
  capacity = STATEMENT_CACHE_SIZE,
): void {
  const prepare = connection.prepare.bind(connection);
  const statements = new Map<string, unknown>();
  connection.prepare = (sql) => {
    let statement = statements.get(sql);
    if (statement !== undefined) {
      statements.delete(sql);
    } else {
      statement = prepare(sql);
      if (statements.size >= capacity) statements.delete(statements.keys().next().value as string);
    }
    statements.set(sql, statement);
    return statement;
  };
}
