import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import knex, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMON_INFO_KEYS } from '../src/admin-info.js';
import { ensureApiBuilt, migrate, startWorker } from './helpers/apps.js';
import { insertOrder } from './helpers/orders.js';
import { freePort, startRedisServer, type RedisServer } from '@shipshape/testkit';
import { delay, getJson, until, type AppProcess } from './helpers/processes.js';

const JOBS = 120;
const OUTAGE_MS = 5_000;

describe('Redis stopped for five seconds under a running worker (SQLite file database)', () => {
  let dir: string;
  let file: string;
  let db: Knex;
  let redisServer: RedisServer;
  let producer: Redis;
  let queue: Queue;
  let worker: AppProcess;
  let admin: string;
  const prefix = `outage-${randomUUID()}`;

  beforeAll(async () => {
    ensureApiBuilt();
    dir = mkdtempSync(join(tmpdir(), 'worker-outage-'));
    file = join(dir, 'shipshape.sqlite');
    migrate({ DATABASE_FILE: file });
    db = knex({ client: 'better-sqlite3', connection: { filename: file }, useNullAsDefault: true });
    await db.raw('PRAGMA busy_timeout = 5000');
    redisServer = await startRedisServer();
    producer = new Redis(redisServer.url, { maxRetriesPerRequest: null });
    producer.on('error', () => undefined);
    queue = new Queue('orders', { connection: producer, prefix });
    queue.on('error', () => undefined);
  });

  afterAll(async () => {
    await worker.stop();
    await queue.close().catch(() => undefined);
    producer.disconnect();
    await redisServer.destroy();
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports not ready (503) but alive (200) during the outage, reconnects and finishes every job', async () => {
    const adminPort = await freePort();
    admin = `http://127.0.0.1:${adminPort}`;
    worker = startWorker('worker', {
      ADMIN_PORT: String(adminPort),
      DATABASE_FILE: file,
      REDIS_URL: redisServer.url,
      QUEUE_PREFIX: prefix,
      WORKER_CONCURRENCY: '4',
      WORKER_PROVIDER_LATENCY: '100ms',
      SHUTDOWN_TIMEOUT: '5s',
    });
    await worker.waitForLine((l) => l.message === 'worker started', 30_000);
    expect((await getJson(`${admin}/readyz`)).status).toBe(200);

    for (let i = 0; i < JOBS; i++) {
      const id = `outage-order-${i}`;
      await insertOrder(db, { id });
      await queue.add(
        'order.confirm',
        { order_id: id, request_id: `req-${i}` },
        { jobId: id, attempts: 5 },
      );
    }
    const confirmed = async () =>
      Number((await db('orders').where({ status: 'confirmed' }).count({ n: '*' }))[0]?.n ?? 0);
    await until('some confirmations before the outage', async () =>
      (await confirmed()) >= 20 ? true : undefined,
    );

    await redisServer.stop();
    const outageStarted = Date.now();
    const during: { readyz: number; livez: number; at: number }[] = [];
    while (Date.now() - outageStarted < OUTAGE_MS) {
      const [readyz, livez] = await Promise.all([
        getJson(`${admin}/readyz`),
        getJson(`${admin}/livez`),
      ]);
      during.push({ readyz: readyz.status, livez: livez.status, at: Date.now() - outageStarted });
      await delay(250);
    }
    const atRestart = await confirmed();
    await redisServer.start();

    // Liveness never failed; readiness failed for the outage (after the client noticed the close).
    expect(during.length).toBeGreaterThanOrEqual(3);
    expect(during.every((p) => p.livez === 200)).toBe(true);
    expect(during.filter((p) => p.at > 1_000).every((p) => p.readyz === 503)).toBe(true);
    expect(atRestart).toBeLessThan(JOBS);

    await until(
      'every order confirmed after Redis returned',
      async () => ((await confirmed()) === JOBS ? true : undefined),
      60_000,
      200,
    );
    await until('readiness to pass again', async () =>
      (await getJson(`${admin}/readyz`)).status === 200 ? true : undefined,
    );
    await until(
      'every job completed in Redis',
      async () => {
        const counts = await queue.getJobCounts('completed', 'active', 'wait', 'delayed', 'failed');
        return counts.completed === JOBS ? counts : undefined;
      },
      30_000,
    );
    const counts = await queue.getJobCounts('completed', 'active', 'wait', 'delayed', 'failed');
    expect(counts).toEqual({ completed: JOBS, active: 0, wait: 0, delayed: 0, failed: 0 });
    const rows = await db('order_confirmations').count({ n: '*' });
    expect(rows[0]?.n).toBe(JOBS);

    expect(worker.child.exitCode).toBeNull();
    expect(
      worker.lines.some(
        (l) => l.level === 'warn' && /redis connection lost/.test(String(l.message)),
      ),
    ).toBe(true);
    expect(worker.lines.some((l) => l.message === 'redis connection restored')).toBe(true);
  });

  it('fails a poison job into the failed set with an error line naming it, and keeps serving', async () => {
    await queue.add(
      'order.confirm',
      { order: 'not-a-valid-payload' },
      { jobId: 'poison-outage', attempts: 3 },
    );
    await until('the poison job in the failed set', async () =>
      (await queue.getJobState('poison-outage')) === 'failed' ? true : undefined,
    );
    const line = await worker.waitForLine(
      (l) => l.level === 'error' && l.job_id === 'poison-outage',
    );
    expect(line.message).toMatch(/job poison-outage failed permanently/);
    expect(line).toMatchObject({ 'messaging.destination.name': 'orders' });
    expect((await getJson(`${admin}/readyz`)).status).toBe(200);
  });

  it('serves /startupz, /metrics, /admin/info and /admin/log-level on the admin port', async () => {
    expect((await getJson(`${admin}/startupz`)).status).toBe(200);
    const info = await getJson(`${admin}/admin/info`);
    expect(info.body).toMatchObject({
      service: 'worker',
      queue: 'orders',
      queue_prefix: prefix,
      concurrency: 4,
    });
    // The keys the API's /admin/info has too (src/admin-info.ts, pinned to its copy), then its own.
    expect(Object.keys(info.body as object)).toEqual([
      ...COMMON_INFO_KEYS,
      'state',
      'concurrency',
      'active_jobs',
    ]);
    const metrics = await (await fetch(`${admin}/metrics`)).text();
    expect(metrics).toMatch(
      /^bullmq_jobs_completed_total\{queue="orders",job_name="order.confirm".*\} \d+/m,
    );
    expect(metrics).toMatch(/^bullmq_queue_jobs\{queue="orders",state="failed".*\} 1$/m);
    expect(metrics).toMatch(/^bullmq_queue_oldest_waiting_job_age_seconds\{queue="orders"/m);
    expect(metrics).toMatch(/^bullmq_job_wait_duration_seconds_count\{/m);
    const put = await fetch(`${admin}/admin/log-level`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ level: 'debug' }),
    });
    expect(put.status).toBe(200);
    expect((await getJson(`${admin}/nope`)).status).toBe(404);
  });

  it('exits 0 on SIGTERM after closing everything', async () => {
    const started = Date.now();
    worker.child.kill('SIGTERM');
    const exit = await worker.exited;
    expect(exit.code).toBe(0);
    expect(exit.at - started).toBeLessThan(7_000);
    // Error lines: the health package's failed readiness checks during the outage, and the poison
    // job. Nothing else (connection errors are one warn line per outage, not an error per retry).
    const errors = worker.lines.filter(
      (l) => l.level === 'error' && !String(l.message).startsWith('health:'),
    );
    expect(errors.map((l) => l.job_id)).toEqual(['poison-outage']);
  });
});
