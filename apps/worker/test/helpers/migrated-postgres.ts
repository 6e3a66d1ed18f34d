import { createDatabase } from '../../src/database.js';
import { ensureApiBuilt, migrate } from './apps.js';
import type { MigratedSqlite } from './migrated-sqlite.js';
import { createTestDatabase } from '@shipshape/testkit';

/** A uniquely named PostgreSQL database migrated by the API's `dist/migrate.js`, dropped on cleanup. */
export async function migratedPostgres(): Promise<Omit<MigratedSqlite, 'file'>> {
  ensureApiBuilt();
  const testDatabase = await createTestDatabase({ prefix: 'worker_unit' });
  migrate({ DATABASE_URL: testDatabase.url });
  const database = createDatabase({ url: testDatabase.url, poolMax: 4 });
  return {
    database,
    async cleanup() {
      await database.close();
      await testDatabase.drop();
    },
  };
}
