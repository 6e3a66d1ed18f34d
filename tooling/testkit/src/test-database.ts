import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Options for {@link createTestDatabase}; every field is optional. */
export interface TestDatabaseOptions {
  /** Where to run CREATE/DROP DATABASE (any database on the server; its path is replaced in `url`). */
  readonly adminUrl?: string;
  /** Start of the database name; a random suffix makes it unique. */
  readonly prefix?: string;
}

export const TEST_DATABASE_DEFAULTS = {
  adminUrl: 'postgres://postgres@127.0.0.1:5432/test',
  prefix: 'test',
} as const satisfies Required<TestDatabaseOptions>;

/** A uniquely named database for one test; `drop()` removes it and ends its connections. */
export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  drop(): Promise<void>;
}

async function asAdmin(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * Creates `<prefix>_<12 hex>` on the server of `adminUrl` (default: `TEST_DATABASE_URL`, else the
 * shared server's `test` database).
 */
export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const adminUrl =
    options.adminUrl ?? process.env['TEST_DATABASE_URL'] ?? TEST_DATABASE_DEFAULTS.adminUrl;
  const prefix = options.prefix ?? TEST_DATABASE_DEFAULTS.prefix;
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await asAdmin(adminUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => asAdmin(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}
