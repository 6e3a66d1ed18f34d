import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { startWorker } from './helpers/apps.js';
import { freePort } from '@shipshape/testkit';
import { getJson, until } from './helpers/processes.js';

describe('start-up', () => {
  it('exits 78 on bad configuration before opening anything, listing every problem', async () => {
    const worker = startWorker('bad-config', {
      ADMIN_PORT: 'not-a-port',
      WORKER_CONCURRENCY: '0',
      WORKER_LOCK_DURATION: 'soon',
      REDIS_URL: 'redis://:hunter2@127.0.0.1:1',
    });
    const exit = await worker.exited;
    expect(exit.code).toBe(78);
    const stderr = worker.stderr.join('');
    expect(stderr).toMatch(/ADMIN_PORT/);
    expect(stderr).toMatch(/WORKER_CONCURRENCY/);
    expect(stderr).toMatch(/WORKER_LOCK_DURATION/);
    expect(stderr).not.toMatch(/hunter2/);
    expect(worker.lines.filter((l) => l.message === 'starting')).toEqual([]);
  });

  it('waits for the schema (startup probe failing, saying what to run) and exits 0 on SIGTERM meanwhile', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'worker-noschema-'));
    const port = await freePort();
    const prefix = `noschema-${randomUUID()}`;
    const worker = startWorker('no-schema', {
      ADMIN_PORT: String(port),
      DATABASE_FILE: join(dir, 'empty.sqlite'),
      QUEUE_PREFIX: prefix,
    });
    try {
      const warn = await worker.waitForLine(
        (l) => l.message === 'waiting for the database schema before taking jobs',
      );
      expect(warn).toMatchObject({
        level: 'warn',
        missing_tables: ['orders', 'order_confirmations'],
      });
      expect(String(warn.hint)).toContain('node apps/api/dist/migrate.js');
      const startup = await until('the admin port', async () => {
        const response = await getJson(`http://127.0.0.1:${port}/startupz`);
        return response.status === 503 ? response : undefined;
      });
      expect(startup.status).toBe(503);
      expect((await getJson(`http://127.0.0.1:${port}/livez`)).status).toBe(200);
      worker.child.kill('SIGTERM');
      expect((await worker.exited).code).toBe(0);
    } finally {
      await worker.stop();
      rmSync(dir, { recursive: true, force: true });
      // The queue client wrote its meta key on the shared Redis: remove this run's keys only.
      const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    }
  });
});
