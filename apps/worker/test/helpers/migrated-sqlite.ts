import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, type Database } from '../../src/database.js';
import { ensureApiBuilt, migrate } from './apps.js';

export interface MigratedSqlite {
  readonly file: string;
  readonly database: Database;
  cleanup(): Promise<void>;
}

/** A fresh SQLite file migrated by the API's own `dist/migrate.js` (the worker never migrates). */
export async function migratedSqlite(): Promise<MigratedSqlite> {
  ensureApiBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'worker-db-'));
  const file = join(dir, 'shipshape.sqlite');
  migrate({ DATABASE_FILE: file });
  const database = createDatabase({ file });
  await database.knex.raw('select 1');
  return {
    file,
    database,
    async cleanup() {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
