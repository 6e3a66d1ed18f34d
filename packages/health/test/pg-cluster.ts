import { execFile } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './helpers.js';

const run = promisify(execFile);
const BIN = '/usr/lib/postgresql/15/bin';

/** A throw-away PostgreSQL cluster on a free port, owned by the postgres user when we are root. */
export interface PrivateCluster {
  readonly port: number;
  start(): Promise<void>;
  stop(): Promise<void>;
  destroy(): Promise<void>;
}

async function postgresIds(): Promise<{ uid: number; gid: number }> {
  const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
  const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
  return { uid, gid };
}

export async function privateCluster(): Promise<PrivateCluster> {
  const asRoot = process.getuid?.() === 0;
  const exec = (bin: string, args: string[]): Promise<unknown> =>
    asRoot
      ? run('runuser', ['-u', 'postgres', '--', join(BIN, bin), ...args], { timeout: 30_000 })
      : run(join(BIN, bin), args, { timeout: 30_000 });
  const dir = mkdtempSync(join(tmpdir(), 'shipshape-health-pg-'));
  if (asRoot) {
    const { uid, gid } = await postgresIds();
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  const port = await freePort();
  await exec('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const cluster: PrivateCluster = {
    port,
    async start() {
      const serverOptions = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
      await exec('pg_ctl', [
        '-D',
        data,
        '-o',
        serverOptions,
        '-l',
        join(dir, 'log'),
        '-w',
        '-t',
        '20',
        'start',
      ]);
    },
    async stop() {
      await exec('pg_ctl', ['-D', data, '-m', 'immediate', '-w', '-t', '20', 'stop']);
    },
    async destroy() {
      await cluster.stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await cluster.start();
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return cluster;
}
