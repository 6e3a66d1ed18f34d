import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import knex, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureApiBuilt, migrate, startWorker } from './helpers/apps.js';
import { insertOrder } from './helpers/orders.js';
import { freePort } from '@shipshape/testkit';
import { getJson, until, type AppProcess } from './helpers/processes.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const SHUTDOWN_TIMEOUT_MS = 4_000;

describe('SIGTERM while a job outlives the shutdown deadline', () => {
  const prefix = `forced-${randomUUID()}`;
  let dir: string;
  let file: string;
  let db: Knex;
  let redis: Redis;
  let queue: Queue;
  const apps: AppProcess[] = [];

  beforeAll(() => {
    ensureApiBuilt();
    dir = mkdtempSync(join(tmpdir(), 'worker-forced-'));
    file = join(dir, 'shipshape.sqlite');
    migrate({ DATABASE_FILE: file });
    db = knex({ client: 'better-sqlite3', connection: { filename: file }, useNullAsDefault: true });
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    queue = new Queue('orders', { connection: redis, prefix });
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    await queue.obliterate({ force: true });
    await queue.close();
    redis.disconnect();
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const env = async (latency: string) => {
    const port = await freePort();
    return {
      admin: `http://127.0.0.1:${port}`,
      env: {
        ADMIN_PORT: String(port),
        DATABASE_FILE: file,
        REDIS_URL,
        QUEUE_PREFIX: prefix,
        WORKER_PROVIDER_LATENCY: latency,
        WORKER_LOCK_DURATION: '2s',
        WORKER_STALLED_INTERVAL: '500ms',
        SHUTDOWN_TIMEOUT: `${SHUTDOWN_TIMEOUT_MS}ms`,
      },
    };
  };

  it('exits 0 within its deadline, writes nothing for the job, and another worker recovers it', async () => {
    const slow = await env('60s');
    const first = startWorker('slow-worker', slow.env);
    apps.push(first);
    await first.waitForLine((l) => l.message === 'worker started', 30_000);
    await insertOrder(db, { id: 'forced-1' });
    await queue.add('order.confirm', { order_id: 'forced-1' }, { jobId: 'forced-1', attempts: 1 });
    await until('the job to be active on the slow worker', async () => {
      const info = await getJson(`${slow.admin}/admin/info`);
      return (info.body as { active_jobs: string[] }).active_jobs.includes('forced-1')
        ? true
        : undefined;
    });

    const termAt = Date.now();
    first.child.kill('SIGTERM');
    const exit = await first.exited;
    expect(exit.code).toBe(0);
    expect(exit.at - termAt).toBeLessThan(SHUTDOWN_TIMEOUT_MS + 1_500);
    const handBack = first.lines.find((l) =>
      /did not finish within the shutdown grace period/.test(String(l.message)),
    );
    expect(handBack).toMatchObject({ level: 'warn', job_ids: ['forced-1'] });
    expect(first.lines.some((l) => l.message === 'worker closed (forced)')).toBe(true);
    // Neither completed nor failed: still active under a lock nobody renews.
    expect(await queue.getJobState('forced-1')).toBe('active');
    expect(await db('order_confirmations').where({ order_id: 'forced-1' })).toEqual([]);

    const fast = await env('10ms');
    const second = startWorker('fast-worker', fast.env);
    apps.push(second);
    await until(
      'the job completed by the second worker',
      async () => ((await queue.getJobState('forced-1')) === 'completed' ? true : undefined),
      30_000,
    );
    expect(
      await db('order_confirmations').where({ order_id: 'forced-1' }).count({ n: '*' }),
    ).toEqual([{ n: 1 }]);
    expect(
      second.lines.some((l) => l.job_id === 'forced-1' && /stalled/.test(String(l.message))),
    ).toBe(true);
  });
});
