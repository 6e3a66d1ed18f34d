import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureApiBuilt, migrate, startApi, startWorker } from './helpers/apps.js';
import { createTestDatabase, freePort, type TestDatabase } from '@shipshape/testkit';
import { getJson, until, type AppProcess } from './helpers/processes.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ORDERS = 300;
const SHUTDOWN_TIMEOUT_MS = 6_000;
/** The SIGTERMed worker must be gone within its shutdown deadline plus process start/exit slack. */
const EXIT_BUDGET_MS = SHUTDOWN_TIMEOUT_MS + 2_000;

describe('end to end: built API + two workers on Redis and PostgreSQL', () => {
  let database: TestDatabase;
  let sql: pg.Client;
  const prefix = `e2e-${randomUUID()}`;
  const apps: AppProcess[] = [];
  let redis: Redis;
  let queue: Queue;
  let apiUrl: string;

  const workerEnv = async () => ({
    ADMIN_PORT: String(await freePort()),
    DATABASE_URL: database.url,
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    WORKER_CONCURRENCY: '5',
    WORKER_PROVIDER_LATENCY: '100ms',
    WORKER_LOCK_DURATION: '3s',
    WORKER_STALLED_INTERVAL: '1s',
    SHUTDOWN_TIMEOUT: `${SHUTDOWN_TIMEOUT_MS}ms`,
    LOG_LEVEL: 'info',
  });

  const confirmedCount = async () => {
    const result = await sql.query<{ n: string }>(
      "select count(*) as n from orders where status = 'confirmed'",
    );
    return Number(result.rows[0]?.n ?? 0);
  };

  beforeAll(async () => {
    ensureApiBuilt();
    database = await createTestDatabase({ prefix: 'worker_e2e' });
    migrate({ DATABASE_URL: database.url });
    sql = new pg.Client({ connectionString: database.url });
    await sql.connect();
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    queue = new Queue('orders', { connection: redis, prefix });

    const apiAdmin = await freePort();
    const apiPort = await freePort();
    apiUrl = `http://127.0.0.1:${apiPort}`;
    const api = startApi('api', {
      SERVER_PORT: String(apiPort),
      ADMIN_PORT: String(apiAdmin),
      DATABASE_URL: database.url,
      DATABASE_MIGRATE_ON_START: 'never',
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      LOG_LEVEL: 'warn',
    });
    apps.push(api);
    await until(
      'the API to be ready',
      async () =>
        (await getJson(`http://127.0.0.1:${apiAdmin}/readyz`)).status === 200 ? true : undefined,
      30_000,
    );
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    redis.disconnect();
    await sql.end();
    await database.drop();
  });

  it('confirms every order exactly once through a SIGTERM and a SIGKILL + restart', async () => {
    const a = startWorker('worker-a', await workerEnv());
    const b = startWorker('worker-b', await workerEnv());
    apps.push(a, b);
    await Promise.all(
      [a, b].map((w) => w.waitForLine((l) => l.message === 'worker started', 30_000)),
    );

    // 300 orders through the API, 20 requests at a time, each with its own request id. Creation
    // runs in the background: the workers confirm while orders still arrive.
    const ids: string[] = [];
    const create = async (i: number) => {
      const response = await fetch(`${apiUrl}/v1/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': `e2e-req-${i}` },
        body: JSON.stringify({
          customer_email: `c${i}@example.com`,
          items: [{ sku: `SKU-${i}`, quantity: 1 + (i % 3), unit_price_cents: 250 }],
        }),
      });
      if (response.status !== 201) {
        throw new Error(`POST /v1/orders answered ${response.status}: ${await response.text()}`);
      }
      ids[i] = ((await response.json()) as { id: string }).id;
    };
    const creating = (async () => {
      for (let i = 0; i < ORDERS; i += 20) {
        await Promise.all(
          Array.from({ length: Math.min(20, ORDERS - i) }, (_, k) => create(i + k)),
        );
      }
    })();
    creating.catch(() => undefined);

    // SIGKILL worker B mid-run and start a replacement at once.
    await until(
      '60 confirmations',
      async () => ((await confirmedCount()) >= 60 ? true : undefined),
      60_000,
      50,
    );
    b.child.kill('SIGKILL');
    const killed = await b.exited;
    expect(killed.signal).toBe('SIGKILL');
    const b2 = startWorker('worker-b2', await workerEnv());
    apps.push(b2);

    // SIGTERM worker A mid-run: it must exit 0 within its budget.
    await until(
      '150 confirmations',
      async () => ((await confirmedCount()) >= 150 ? true : undefined),
      60_000,
      50,
    );
    const atTerm = await confirmedCount();
    expect(atTerm).toBeLessThan(ORDERS);
    const termAt = Date.now();
    a.child.kill('SIGTERM');
    const exit = await a.exited;
    expect(exit.code).toBe(0);
    expect(exit.at - termAt).toBeLessThan(EXIT_BUDGET_MS);
    expect(a.lines.some((l) => l.message === 'worker started')).toBe(true);

    await creating;
    expect(ids.filter(Boolean)).toHaveLength(ORDERS);
    // Everything finishes on the restarted worker.
    await until(
      'all orders confirmed',
      async () => ((await confirmedCount()) === ORDERS ? true : undefined),
      60_000,
      200,
    );

    const confirmations = await sql.query<{ order_id: string; n: string }>(
      'select order_id, count(*) as n from order_confirmations group by order_id',
    );
    expect(confirmations.rows).toHaveLength(ORDERS);
    expect(confirmations.rows.every((r) => r.n === '1')).toBe(true);
    expect(new Set(confirmations.rows.map((r) => r.order_id))).toEqual(new Set(ids));

    // Redis' final state: every job completed, none failed, waiting, active or delayed.
    await until('the queue to settle', async () => {
      const counts = await queue.getJobCounts('completed', 'active', 'wait', 'delayed', 'failed');
      return counts.completed === ORDERS && counts.active === 0 ? counts : undefined;
    });
    const counts = await queue.getJobCounts(
      'completed',
      'active',
      'wait',
      'delayed',
      'failed',
      'prioritized',
    );
    expect(counts).toEqual({
      completed: ORDERS,
      active: 0,
      wait: 0,
      delayed: 0,
      failed: 0,
      prioritized: 0,
    });
    const completedIds = (await queue.getCompleted(0, -1)).map((job) => job.id);
    expect(new Set(completedIds)).toEqual(new Set(ids));

    // Each job's log lines carry the request id of the API call that created its order.
    const all = [...a.lines, ...b.lines, ...b2.lines];
    const confirmedLines = all.filter((l) => l.message === 'order confirmed');
    expect(confirmedLines.length).toBeGreaterThan(0);
    for (const line of confirmedLines) {
      const i = ids.indexOf(String(line['messaging.message.id']));
      expect(line).toMatchObject({
        'messaging.destination.name': 'orders',
        request_id: `e2e-req-${i}`,
      });
    }
    // The SIGTERMed worker logged a clean shutdown; nobody logged a failed job.
    expect(a.lines.some((l) => l.exitCode === 0)).toBe(true);
    expect(a.lines.some((l) => l.message === 'worker closed (graceful)')).toBe(true);
    expect(all.filter((l) => l.level === 'error')).toEqual([]);
  });
});
