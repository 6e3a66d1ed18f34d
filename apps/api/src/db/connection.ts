import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import knexModule from 'knex';
import type { Knex } from 'knex';
import { cachePreparedStatements, type PreparingConnection } from './statement-cache.js';

const knex = knexModule.knex;

/** How to reach the database. Every field is optional; defaults live in {@link DATABASE_DEFAULTS}. */
export interface DatabaseOptions {
  /** `postgres://…` selects PostgreSQL; empty selects the embedded SQLite file. */
  readonly url?: string;
  /** SQLite file, relative to the working directory; its directory is created. */
  readonly file?: string;
  readonly poolMin?: number;
  readonly poolMax?: number;
  /** How long a query waits for a pooled connection (and a new connection for its handshake). */
  readonly acquireTimeoutMs?: number;
}

export const DATABASE_DEFAULTS = {
  url: '',
  file: '.data/shipshape.sqlite',
  poolMin: 0,
  poolMax: 10,
  acquireTimeoutMs: 5000,
} as const;

export type DatabaseKind = 'sqlite' | 'postgres';

export interface Database {
  readonly kind: DatabaseKind;
  readonly db: Knex;
  /** Where the data lives, without credentials (for logs and /admin/info). */
  readonly location: string;
}

/** SQLite waits this long for another process's write lock (the worker shares the file). */
const SQLITE_BUSY_TIMEOUT_MS = 5000;

export function createDatabase(options: DatabaseOptions = {}): Database {
  const url = options.url ?? DATABASE_DEFAULTS.url;
  const acquireTimeoutMs = options.acquireTimeoutMs ?? DATABASE_DEFAULTS.acquireTimeoutMs;
  if (url === '') {
    const file = resolve(options.file ?? DATABASE_DEFAULTS.file);
    mkdirSync(dirname(file), { recursive: true });
    const db = knex({
      client: 'better-sqlite3',
      connection: { filename: file },
      useNullAsDefault: true,
      acquireConnectionTimeout: acquireTimeoutMs,
      // better-sqlite3 is synchronous: one connection per process is the fastest and avoids
      // SQLITE_BUSY between our own connections. WAL lets the worker read while we write.
      pool: {
        min: 1,
        max: 1,
        afterCreate: (
          connection: SqliteConnection,
          done: (error: Error | null, connection: unknown) => void,
        ) => {
          connection.pragma('journal_mode = WAL');
          connection.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
          connection.pragma('foreign_keys = ON');
          cachePreparedStatements(connection);
          done(null, connection);
        },
      },
    });
    return { kind: 'sqlite', db, location: `sqlite:${file}` };
  }
  if (!/^postgres(ql)?:\/\//.test(url)) {
    throw new Error(
      `DATABASE_URL must start with postgres:// (or be empty for the embedded SQLite file); got a ${url.split(':')[0] ?? ''}: URL`,
    );
  }
  const db = knex({
    client: 'pg',
    connection: {
      connectionString: url,
      // Fail a connection attempt to an unreachable server within the acquire budget, so a
      // request gets a 503 instead of hanging until the client gives up.
      connectionTimeoutMillis: acquireTimeoutMs,
    },
    acquireConnectionTimeout: acquireTimeoutMs,
    pool: {
      min: options.poolMin ?? DATABASE_DEFAULTS.poolMin,
      max: options.poolMax ?? DATABASE_DEFAULTS.poolMax,
    },
  });
  return { kind: 'postgres', db, location: describePostgres(url) };
}

interface SqliteConnection extends PreparingConnection {
  pragma(source: string): unknown;
}

function describePostgres(url: string): string {
  try {
    const parsed = new URL(url);
    return `postgres://${parsed.hostname}${parsed.port === '' ? '' : `:${parsed.port}`}${parsed.pathname}`;
  } catch {
    return 'postgres://(unparseable URL)';
  }
}
