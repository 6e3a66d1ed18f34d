import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { migratedSqlite, type MigratedSqlite } from '../test/helpers/migrated-sqlite.js';
import { insertOrder } from '../test/helpers/orders.js';
import type { Database } from './database.js';
import { createOrderProcessor } from './order-processor.js';
import { createOrderWorker, type OrderWorkerHandle } from './order-worker.js';
import { createProviderStandIn } from './provider.js';
import { closeRedis, createRedisConnection } from './redis.js';
import type { LoggerLike } from './types.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

interface Line {
  level: string;
  message: string;
  fields?: Record<string, unknown>;
}
const memoryLogger = (lines: Line[]): LoggerLike => {
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    lines.push({ level, message, ...(fields ? { fields } : {}) });
  };
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
};

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  ms = 15_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

describe('order worker on real Redis', () => {
  let sqlite: MigratedSqlite;
  let database: Database;
  let prefix: string;
  let lines: Line[];
  const redisClients: Redis[] = [];
  const handles: OrderWorkerHandle[] = [];
  let queue: Queue;

  beforeAll(async () => {
    sqlite = await migratedSqlite();
    database = sqlite.database;
  });
  afterAll(() => sqlite.cleanup());

  beforeEach(() => {
    prefix = `test-worker-${randomUUID()}`;
    lines = [];
    const producer = createRedisConnection(REDIS_URL);
    redisClients.push(producer);
    queue = new Queue('orders', { connection: producer, prefix });
  });

  afterEach(async () => {
    for (const handle of handles.splice(0)) await handle.close({ graceMs: 1_000 });
    await queue.obliterate({ force: true });
    await queue.close();
    for (const client of redisClients.splice(0)) await closeRedis(client);
  });

  function startWorker(latencyMs: number, extra: { lockDurationMs?: number } = {}) {
    const connection = createRedisConnection(REDIS_URL);
    redisClients.push(connection);
    const logger = memoryLogger(lines);
    const processor = createOrderProcessor({
      db: database.knex,
      logger,
      provider: createProviderStandIn({ latencyMs }),
    });
    const handle = createOrderWorker(processor, {
      connection,
      logger,
      prefix,
      concurrency: 2,
      lockDurationMs: extra.lockDurationMs ?? 30_000,
      stalledIntervalMs: 500,
    });
    handles.push(handle);
    return handle;
  }

  it('fails a poison job after its attempts, logs it at error with its id, and keeps working', async () => {
    const handle = startWorker(0);
    await insertOrder(database.knex, { id: 'good-1' });
    await queue.add(
      'order.confirm',
      { order_id: 'missing-order' },
      {
        jobId: 'poison-1',
        attempts: 3,
        backoff: { type: 'exponential', delay: 50 },
      },
    );
    await queue.add('order.confirm', { nope: true }, { jobId: 'poison-2', attempts: 3 });
    await queue.add('order.confirm', { order_id: 'good-1' }, { jobId: 'good-1' });

    const failed = await until('two failed jobs', async () => {
      const jobs = await queue.getFailed();
      return jobs.length === 2 ? jobs : undefined;
    });
    const byId = Object.fromEntries(failed.map((j) => [j.id, j]));
    expect(byId['poison-1']?.attemptsMade).toBe(3);
    expect(byId['poison-1']?.failedReason).toMatch(/order missing-order does not exist/);
    expect(byId['poison-2']?.attemptsMade).toBe(1);
    expect(byId['poison-2']?.failedReason).toMatch(/invalid order.confirm data/);
    const errors = lines.filter((l) => l.level === 'error');
    expect(errors.map((l) => l.fields?.job_id).sort()).toEqual(['poison-1', 'poison-2']);
    expect(errors[0]?.message).toMatch(/^job poison-\d failed permanently/);
    expect(lines.filter((l) => l.level === 'warn' && l.fields?.job_id === 'poison-1')).toHaveLength(
      2,
    );
    await until('good-1 completed', async () =>
      (await queue.getJobState('good-1')) === 'completed' ? true : undefined,
    );
    expect(handle.worker.isRunning()).toBe(true);
  });

  it('closes gracefully when active jobs finish within the grace period', async () => {
    const handle = startWorker(300);
    await insertOrder(database.knex, { id: 'slow-1' });
    await queue.add('order.confirm', { order_id: 'slow-1' }, { jobId: 'slow-1' });
    await until('slow-1 active', () =>
      Promise.resolve(handle.activeJobIds().length > 0 ? true : undefined),
    );
    handles.splice(handles.indexOf(handle), 1);
    expect(await handle.close({ graceMs: 5_000 })).toBe('graceful');
    expect(await queue.getJobState('slow-1')).toBe('completed');
  });

  it('past the grace period hands the job back: another worker recovers it as stalled', async () => {
    const first = startWorker(20_000, { lockDurationMs: 1_000 });
    await insertOrder(database.knex, { id: 'stuck-1' });
    await queue.add('order.confirm', { order_id: 'stuck-1' }, { jobId: 'stuck-1', attempts: 1 });
    await until('stuck-1 active', () =>
      Promise.resolve(first.activeJobIds().length > 0 ? true : undefined),
    );
    handles.splice(handles.indexOf(first), 1);
    const started = Date.now();
    expect(await first.close({ graceMs: 300 })).toBe('forced');
    expect(Date.now() - started).toBeLessThan(3_000);
    // Not failed, not completed: still active with a lock nobody renews.
    expect(await queue.getJobState('stuck-1')).toBe('active');
    expect(lines.some((l) => l.level === 'warn' && /did not finish/.test(l.message))).toBe(true);

    startWorker(0, { lockDurationMs: 1_000 });
    await until('stuck-1 completed by the second worker', async () =>
      (await queue.getJobState('stuck-1')) === 'completed' ? true : undefined,
    );
    const rows = await database
      .knex('order_confirmations')
      .where({ order_id: 'stuck-1' })
      .select('order_id');
    expect(rows).toEqual([{ order_id: 'stuck-1' }]);
    expect(lines.some((l) => /stalled/.test(l.message) && l.fields?.job_id === 'stuck-1')).toBe(
      true,
    );
  });
});
