import { execFile } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './ports.js';

const run = promisify(execFile);
export const SHARED_POSTGRES = 'postgres://postgres@127.0.0.1:5432';
const PG_BIN = '/usr/lib/postgresql/15/bin';

async function admin<T>(serverUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: `${serverUrl}/postgres` });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A uniquely named database on a server; `drop()` removes it (and its connections). */
export async function createDatabase(
  serverUrl = SHARED_POSTGRES,
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `api_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  await admin(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  return {
    url: `${serverUrl}/${name}`,
    drop: () =>
      admin(serverUrl, (client) =>
        client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
      ).then(() => undefined),
  };
}

/** A private PostgreSQL cluster (initdb + pg_ctl, run as the postgres user) this test may stop and start. */
export class PrivateCluster {
  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  get serverUrl(): string {
    return `postgres://postgres@127.0.0.1:${this.port}`;
  }

  static async create(): Promise<PrivateCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'api-pg-'));
    const { stdout } = await run('id', ['-u', 'postgres']);
    const uid = Number(stdout.trim());
    chownSync(dir, uid, uid);
    const cluster = new PrivateCluster(dir, await freePort());
    await cluster.asPostgres(`${PG_BIN}/initdb`, [
      '-D',
      join(dir, 'data'),
      '-U',
      'postgres',
      '-A',
      'trust',
      '--no-sync',
    ]);
    await cluster.start();
    return cluster;
  }

  private asPostgres(command: string, args: string[]): Promise<unknown> {
    return run('runuser', ['-u', 'postgres', '--', command, ...args], { timeout: 60_000 });
  }

  start(): Promise<unknown> {
    return this.asPostgres(`${PG_BIN}/pg_ctl`, [
      '-D',
      join(this.dir, 'data'),
      '-l',
      join(this.dir, 'log'),
      '-o',
      `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
      '-w',
      'start',
    ]);
  }

  /** Fast shutdown: open connections are terminated (57P01), new ones refused. */
  stop(): Promise<unknown> {
    return this.asPostgres(`${PG_BIN}/pg_ctl`, [
      '-D',
      join(this.dir, 'data'),
      '-m',
      'fast',
      '-w',
      'stop',
    ]);
  }

  async destroy(): Promise<void> {
    await this.asPostgres(`${PG_BIN}/pg_ctl`, [
      '-D',
      join(this.dir, 'data'),
      '-m',
      'immediate',
      '-w',
      'stop',
    ]).catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
