import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
// knex is CommonJS: Node's ESM loader exposes only its default export.
import knex, { type Knex } from 'knex';

/** Options for {@link createDatabase}. Every field is optional; defaults live in {@link DATABASE_DEFAULTS}. */
export interface DatabaseOptions {
  /** `postgres://…` selects PostgreSQL; empty selects the embedded SQLite file. */
  readonly url?: string;
  /** SQLite file, relative to the working directory. */
  readonly file?: string;
  readonly poolMin?: number;
  readonly poolMax?: number;
  readonly acquireTimeoutMs?: number;
  /** How long SQLite waits for another process's write lock before failing with SQLITE_BUSY. */
  readonly busyTimeoutMs?: number;
}

export const DATABASE_DEFAULTS = {
  url: '',
  file: '.data/shipshape.sqlite',
  poolMin: 0,
  poolMax: 10,
  acquireTimeoutMs: 10_000,
  busyTimeoutMs: 5_000,
} as const satisfies Required<DatabaseOptions>;

export type DatabaseKind = 'sqlite' | 'postgres';

export interface Database {
  readonly kind: DatabaseKind;
  readonly knex: Knex;
  /** Where the data lives, safe for a log line (no credentials). */
  readonly location: string;
  close(): Promise<void>;
}

export class DatabaseConfigError extends Error {
  readonly code = 'DATABASE_URL_UNSUPPORTED';
  constructor(protocol: string) {
    super(
      `DATABASE_URL uses the unsupported protocol "${protocol}". ` +
        'Set it to a postgres:// (or postgresql://) URL, or leave it empty for the embedded SQLite file at DATABASE_FILE.',
    );
    this.name = 'DatabaseConfigError';
  }
}

interface SqliteConnection {
  pragma(source: string): unknown;
}

/**
 * Opens the database both example apps share: an embedded SQLite file (WAL mode so readers never block
 * the writer, a busy timeout so two processes writing at once wait instead of failing) when no URL is
 * given, PostgreSQL for a `postgres://` URL.
 */
export function createDatabase(options: DatabaseOptions = {}): Database {
  const resolved = { ...DATABASE_DEFAULTS, ...options };
  if (resolved.url === '') {
    const filename = resolve(resolved.file);
    mkdirSync(dirname(filename), { recursive: true });
    const db = knex({
      client: 'better-sqlite3',
      connection: { filename },
      useNullAsDefault: true,
      acquireConnectionTimeout: resolved.acquireTimeoutMs,
      // One connection: SQLite has one writer anyway, and a single connection keeps transactions simple.
      pool: {
        min: 1,
        max: 1,
        afterCreate(
          conn: SqliteConnection,
          done: (err: Error | null, conn: SqliteConnection) => void,
        ) {
          conn.pragma('journal_mode = WAL');
          conn.pragma(`busy_timeout = ${String(resolved.busyTimeoutMs)}`);
          conn.pragma('foreign_keys = ON');
          done(null, conn);
        },
      },
    });
    return { kind: 'sqlite', knex: db, location: filename, close: () => db.destroy() };
  }
  const url = new URL(resolved.url);
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new DatabaseConfigError(url.protocol);
  }
  const db = knex({
    client: 'pg',
    connection: {
      connectionString: resolved.url,
      // An unreachable server fails a connection attempt within the acquire budget instead of hanging.
      connectionTimeoutMillis: resolved.acquireTimeoutMs,
    },
    acquireConnectionTimeout: resolved.acquireTimeoutMs,
    pool: { min: resolved.poolMin, max: resolved.poolMax },
  });
  const location = `postgres://${url.host}${url.pathname}`;
  return { kind: 'postgres', knex: db, location, close: () => db.destroy() };
}
