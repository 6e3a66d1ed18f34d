import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, until } from './processes.js';

/**
 * A redis-server this test owns (never the shared one), on a free port. It persists to an RDB file in
 * its own directory only when told to stop, so a stop/start keeps the queue's data the way a restarted
 * production Redis with persistence would.
 */
export interface OwnedRedis {
  readonly port: number;
  readonly url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

export async function startOwnedRedis(): Promise<OwnedRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'worker-redis-'));
  let child: ChildProcess | undefined;
  const url = `redis://127.0.0.1:${port}`;

  const ping = async () => {
    const client = new Redis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.ping();
      return true;
    } finally {
      client.disconnect();
    }
  };

  const start = async () => {
    child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        'no',
      ],
      { stdio: 'ignore' },
    );
    await until(`redis-server on port ${port}`, ping, 10_000, 50);
  };

  const stop = async () => {
    if (child === undefined) return;
    const exited = new Promise((resolve) => child?.once('exit', resolve));
    const client = new Redis(url, { maxRetriesPerRequest: 0 });
    client.on('error', () => undefined);
    // SHUTDOWN SAVE writes the RDB file first, so the next start loads every queue key back.
    await client.call('SHUTDOWN', 'SAVE').catch(() => undefined);
    client.disconnect();
    await exited;
    child = undefined;
  };

  await start();
  return {
    port,
    url,
    stop,
    start,
    async destroy() {
      if (child !== undefined) {
        const exited = new Promise((resolve) => child?.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
