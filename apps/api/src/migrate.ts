/**
 * Migration entry point: `node dist/migrate.js` (or `pnpm migrate`), e.g. as a Kubernetes Job
 * before a rollout. Runs every pending migration, then exits 0; a bad configuration exits 78
 * before anything connects.
 */
import { loadConfigOrExit } from '@shipshape/config';
import { databaseRules } from '@shipshape/config/fragments';
import { createLogger } from '@shipshape/logger';
import { schema } from './config.js';
import { createDatabase } from './db/connection.js';
import { migrateToLatest } from './db/migrate.js';
import { readPackageInfo } from './package-info.js';

const migrationSchema = { log: schema.log, database: schema.database } as const;
const config = loadConfigOrExit(migrationSchema, { rules: databaseRules() });
const { version } = readPackageInfo();
const logger = createLogger({
  service: 'api-migrate',
  version,
  level: config.log.level,
  format: config.log.format,
});

const database = createDatabase({
  url: config.database.url,
  file: config.database.file,
  poolMin: 0,
  poolMax: 1,
  acquireTimeoutMs: config.database.acquireTimeout,
});
try {
  logger.info('migrating the database', { database: database.location });
  const result = await migrateToLatest(database.db);
  logger.info(
    result.applied.length === 0
      ? 'database schema already current'
      : `applied ${result.applied.length} migration(s) in batch ${result.batch}`,
    { database: database.location, applied: result.applied },
  );
  process.exitCode = 0;
} catch (error) {
  logger.error('migration failed; the schema is unchanged or partly migrated, see err', {
    err: error,
    database: database.location,
  });
  process.exitCode = 1;
} finally {
  await database.db.destroy();
  await logger.close();
}
