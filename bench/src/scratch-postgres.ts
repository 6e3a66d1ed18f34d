import { apiModule, type KnexLike } from './api-dist.js';

/** A database of the bench's own on the PostgreSQL server, with the API's schema. */
export interface ScratchDatabase {
  /** `postgres://…/<name>`, for DATABASE_URL. */
  readonly url: string;
  /** Empties the API's tables, so every measurement starts from the same state. */
  empty(): Promise<void>;
  /** Drops the database (connections left by a killed child are ended first). */
  drop(): Promise<void>;
}

const withDatabaseName = (serverUrl: string, name: string): string => {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.href;
};

/**
 * Creates `shipshape_bench_<purpose>_<pid>_<time>` on the server at `serverUrl` and migrates it with
 * the API's own migrations (as the app's migrate Job does), through the API's knex and pg: no native
 * addon is loaded. Drop it in a `finally`.
 */
export async function createScratchDatabase(
  serverUrl: string,
  purpose: string,
): Promise<ScratchDatabase> {
  const [{ createDatabase }, { migrateToLatest }] = await Promise.all([
    apiModule('db/connection.js'),
    apiModule('db/migrate.js'),
  ]);
  const name = `shipshape_bench_${purpose}_${process.pid}_${Date.now().toString(36)}`;
  const admin = createDatabase({ url: withDatabaseName(serverUrl, 'postgres'), poolMax: 1 }).db;
  try {
    await admin.raw(`CREATE DATABASE "${name}"`);
  } catch (error) {
    await admin.destroy();
    throw new Error(
      `could not create the scratch database ${name} on ${new URL(serverUrl).host} (${error instanceof Error ? error.message : String(error)}): is PostgreSQL running (bash scripts/setup.sh starts it), or give another server with --postgres-url`,
      { cause: error },
    );
  }
  const url = withDatabaseName(serverUrl, name);
  let scratch: KnexLike | undefined;
  const drop = async () => {
    await scratch?.destroy();
    await admin.raw(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.destroy();
  };
  try {
    scratch = createDatabase({ url, poolMax: 1 }).db;
    await migrateToLatest(scratch);
  } catch (error) {
    await drop();
    throw error;
  }
  const db = scratch;
  return {
    url,
    async empty() {
      // Every table that refers to orders goes with them, whatever the schema has now.
      await db.raw('TRUNCATE orders CASCADE');
    },
    drop,
  };
}
