import { createHash } from 'node:crypto';

/** Names PostgreSQL prepared statements by their SQL text. */
export interface PreparedStatementNames {
  /** The same name for the same text, always; a different one for a different text. */
  nameOf(sql: string): string;
}

/**
 * Names for PostgreSQL prepared statements (node-postgres prepares a named query once per
 * connection, then only binds and executes it). A query without a name is parsed and planned on
 * every run: for an order's placement, a data-modifying WITH of two INSERTs, that was most of the
 * outbox's cost on PostgreSQL. The name is a digest of the text, so two texts never share one
 * (node-postgres refuses that) and every store in the process agrees on each.
 */
export function preparedStatementNames(prefix: string): PreparedStatementNames {
  const names = new Map<string, string>();
  const remembered = 64; // texts whose name is kept, not computed again; more is a caller's bug
  return {
    nameOf(sql) {
      let name = names.get(sql);
      if (name === undefined) {
        name = `${prefix}_${createHash('sha256').update(sql).digest('hex').slice(0, 24)}`;
        if (names.size >= remembered) names.clear();
        names.set(sql, name);
      }
      return name;
    },
  };
}
