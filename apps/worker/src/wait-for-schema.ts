import { setTimeout as sleep } from 'node:timers/promises';
import type { Knex } from 'knex';
import type { LoggerLike } from './types.js';

export const REQUIRED_TABLES = ['orders', 'order_confirmations'] as const;
/** Columns the worker writes that a later API migration added, as `table.column`. */
export const REQUIRED_COLUMNS = ['orders.failure_reason'] as const;

export interface WaitForSchemaOptions {
  readonly logger: LoggerLike;
  readonly signal?: AbortSignal;
  readonly everyMs?: number;
  /** A reminder is logged this often while waiting. */
  readonly warnEveryMs?: number;
}

/** What the schema lacks: whole tables, and columns of the tables that are there. */
export async function missingSchema(db: Knex): Promise<{ tables: string[]; columns: string[] }> {
  const tables: string[] = [];
  for (const table of REQUIRED_TABLES) {
    if (!(await db.schema.hasTable(table))) tables.push(table);
  }
  const columns: string[] = [];
  for (const required of REQUIRED_COLUMNS) {
    const [table = '', column = ''] = required.split('.');
    if (tables.includes(table)) continue;
    if (!(await db.schema.hasColumn(table, column))) columns.push(required);
  }
  return { tables, columns };
}

/**
 * The API owns the schema; the worker never migrates. Until the tables exist (or while the database
 * is unreachable) start-up waits here, saying what is missing and what to run, instead of failing jobs.
 * Resolves `true` once the schema is there, `false` when `signal` aborted the wait (shutdown).
 */
export async function waitForSchema(db: Knex, options: WaitForSchemaOptions): Promise<boolean> {
  const { logger, signal, everyMs = 1_000, warnEveryMs = 10_000 } = options;
  let lastWarn = 0;
  for (;;) {
    if (signal?.aborted === true) return false;
    let problem: Record<string, unknown>;
    try {
      const missing = await missingSchema(db);
      if (missing.tables.length === 0 && missing.columns.length === 0) return true;
      problem = {
        ...(missing.tables.length > 0 ? { missing_tables: missing.tables } : {}),
        ...(missing.columns.length > 0 ? { missing_columns: missing.columns } : {}),
        hint: 'run the API migrations: node apps/api/dist/migrate.js (same DATABASE_URL / DATABASE_FILE)',
      };
    } catch (error) {
      problem = { err: error, hint: 'check DATABASE_URL and that the database server is up' };
    }
    if (Date.now() - lastWarn >= warnEveryMs) {
      lastWarn = Date.now();
      logger.warn('waiting for the database schema before taking jobs', problem);
    }
    await sleep(everyMs, undefined, signal ? { signal } : {}).catch(() => undefined);
  }
}
