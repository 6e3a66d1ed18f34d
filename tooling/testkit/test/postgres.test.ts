import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  findPostgresBinDir,
  startPostgresCluster,
  type PostgresCluster,
  type TestDatabase,
} from '../src/index.js';

async function selectOne(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    const result = await client.query<{ one: number }>('SELECT 1 AS one');
    return result.rows[0]?.one ?? 0;
  } finally {
    await client.end();
  }
}

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe('startPostgresCluster', () => {
  it('finds the server programs on this machine (no version written anywhere) and runs that server', async () => {
    const found = await findPostgresBinDir();
    const cluster = await startPostgresCluster();
    cleanups.push(() => cluster.destroy());
    expect(cluster.binDir).toBe(found.binDir);
    // pg_ctl (PostgreSQL) 16.4 (Ubuntu 16.4-1) → 16.4: the running server is the one that was found.
    const pgCtlVersion = /\(PostgreSQL\) (\S+)/.exec(
      execFileSync(join(found.binDir, 'pg_ctl'), ['--version'], { encoding: 'utf8' }),
    )?.[1];
    const client = new pg.Client({ connectionString: `${cluster.serverUrl}/postgres` });
    await client.connect();
    try {
      const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
      expect(rows[0]?.server_version.split(' ')[0]).toBe(pgCtlVersion);
    } finally {
      await client.end();
    }
  });

  it('runs a private cluster that can be stopped, started again and destroyed', async () => {
    const cluster: PostgresCluster = await startPostgresCluster();
    cleanups.push(() => cluster.destroy());
    expect(cluster.port).not.toBe(5432);
    expect(cluster.serverUrl).toBe(`postgres://postgres@127.0.0.1:${String(cluster.port)}`);
    expect(await selectOne(`${cluster.serverUrl}/postgres`)).toBe(1);

    const open = new pg.Client({ connectionString: `${cluster.serverUrl}/postgres` });
    open.on('error', () => undefined);
    await open.connect();
    await cluster.stop();
    await expect(open.query('SELECT 1')).rejects.toThrow();
    await expect(selectOne(`${cluster.serverUrl}/postgres`)).rejects.toThrow(/ECONNREFUSED/);

    await cluster.start();
    expect(await selectOne(`${cluster.serverUrl}/postgres`)).toBe(1);

    const database = await createTestDatabase({
      adminUrl: `${cluster.serverUrl}/postgres`,
      prefix: 'testkit_private',
    });
    expect(await selectOne(database.url)).toBe(1);

    await cluster.destroy();
    expect(existsSync(cluster.dir)).toBe(false);
    await expect(selectOne(`${cluster.serverUrl}/postgres`)).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('createTestDatabase', () => {
  it('creates a uniquely named database on the shared server and drop() removes it', async () => {
    const first: TestDatabase = await createTestDatabase({ prefix: 'testkit_unit' });
    const second = await createTestDatabase({ prefix: 'testkit_unit' });
    cleanups.push(
      () => first.drop(),
      () => second.drop(),
    );
    expect(first.name).toMatch(/^testkit_unit_[0-9a-f]{12}$/);
    expect(second.name).not.toBe(first.name);
    expect(new URL(first.url).pathname).toBe(`/${first.name}`);
    expect(await selectOne(first.url)).toBe(1);
    await first.drop();
    await expect(selectOne(first.url)).rejects.toThrow(/does not exist/);
  });
});
