import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { startPostgresCluster, startRedisServer } from '@shipshape/testkit';
import {
  FAST_OUTBOX,
  orderCounts,
  ordersWithKeys,
  postgresStore,
  postOrders,
  sqliteStore,
  startReadyApi,
  startReadyWorker,
  untilAllConfirmed,
  type OrderStore,
} from './helpers/order-stack.js';
import { delay, until } from './helpers/processes.js';

/**
 * The API commits every order with an outbox record; these tests break the path from the database
 * to the queue in the ways production does and check that no committed order is stranded and no
 * order is confirmed twice. Each runs the built API and worker against a private Redis.
 */
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

async function privateRedis() {
  const redis = await startRedisServer();
  cleanups.push(() => redis.destroy());
  return redis;
}

function keep<T extends { stop(): Promise<unknown> }>(app: T): T {
  cleanups.push(() => app.stop());
  return app;
}

const stores: [string, () => Promise<OrderStore>][] = [
  ['SQLite', sqliteStore],
  ['PostgreSQL', () => postgresStore()],
];

describe.each(stores)('outbox on %s', (_backend, openStore) => {
  it('an API SIGKILLed between commit and enqueue loses no order: after a restart every committed order is confirmed once', async () => {
    const store = await openStore();
    cleanups.push(() => store.close());
    const redis = await privateRedis();
    const env = { ...store.env, ...FAST_OUTBOX, REDIS_URL: redis.url, QUEUE_PREFIX: 'crash' };
    // The request holds its lease longer than its enqueue may hang (a rule of the API's config).
    const api = await startReadyApi('api', {
      ...env,
      QUEUE_ENQUEUE_TIMEOUT: '10s',
      OUTBOX_PUBLISH_LEASE: '12s',
    });
    keep(api.process);

    // Redis accepts connections but holds every write: each request commits, then hangs in its enqueue.
    const admin = new Redis(redis.url);
    cleanups.push(() => Promise.resolve(admin.disconnect()));
    await admin.call('CLIENT', 'PAUSE', '60000', 'WRITE');
    const posting = postOrders(20, 20, () => api.url);
    await until(
      '20 committed orders',
      async () => ((await orderCounts(store.knex)).orders === 20 ? true : undefined),
      20_000,
      50,
    );
    api.process.child.kill('SIGKILL');
    const answers = await posting;
    expect(answers.every((answer) => answer.status === 0)).toBe(true); // nobody got an answer
    await admin.call('CLIENT', 'UNPAUSE');

    const counts = await orderCounts(store.knex);
    expect(counts).toMatchObject({ orders: 20, pending: 20, outbox: 20 });

    const restarted = await startReadyApi('api-restarted', env);
    keep(restarted.process);
    keep(await startReadyWorker('worker', { ...env, WORKER_CONCURRENCY: '10' }));
    expect(await untilAllConfirmed(store.knex, 30_000)).toMatchObject({
      orders: 20,
      confirmed: 20,
      confirmedTwice: 0,
    });
    expect(
      restarted.process.lines.some((l) => l.message === 'order job published by the outbox relay'),
    ).toBe(true);
  }, 180_000);

  it('a Redis that keeps nothing, restarted under load: every order answered 201 is confirmed once, no 503 left an order', async () => {
    const store = await openStore();
    cleanups.push(() => store.close());
    const redis = await privateRedis();
    const env = { ...store.env, ...FAST_OUTBOX, REDIS_URL: redis.url, QUEUE_PREFIX: 'restart' };
    const api = await startReadyApi('api', env);
    keep(api.process);
    // A slow provider keeps jobs waiting in Redis when it goes away, so the restart loses them.
    keep(
      await startReadyWorker('worker', {
        ...env,
        WORKER_CONCURRENCY: '4',
        WORKER_PROVIDER_LATENCY: '50ms',
      }),
    );

    const posting = postOrders(400, 10, () => api.url);
    await until(
      '100 orders',
      async () => ((await orderCounts(store.knex)).orders >= 100 ? true : undefined),
      30_000,
      50,
    );
    await redis.kill();
    await delay(1_000);
    await redis.start();
    const answers = await posting;

    const created = answers.filter((answer) => answer.status === 201);
    const refused = answers.filter((answer) => answer.status === 503);
    expect(created.length + refused.length).toBe(answers.length);
    expect(created.length).toBeGreaterThan(300);
    const counts = await untilAllConfirmed(store.knex, 60_000);
    expect(counts).toMatchObject({ confirmed: created.length, confirmedTwice: 0, failed: 0 });
    expect(counts.orders).toBe(created.length);
    expect(
      await ordersWithKeys(
        store.knex,
        refused.map((answer) => answer.key),
      ),
    ).toEqual([]);
  }, 180_000);

  it('2,000 POSTs at 50 concurrent: all 201, all confirmed once', async () => {
    const store = await openStore();
    cleanups.push(() => store.close());
    const redis = await privateRedis();
    const env = { ...store.env, REDIS_URL: redis.url, QUEUE_PREFIX: 'load' };
    const api = await startReadyApi('api', { ...env, LOG_LEVEL: 'warn' });
    keep(api.process);
    keep(await startReadyWorker('worker', { ...env, WORKER_CONCURRENCY: '20' }));

    const answers = await postOrders(2_000, 50, () => api.url);
    expect(answers.filter((answer) => answer.status !== 201)).toEqual([]);
    expect(await untilAllConfirmed(store.knex, 120_000)).toMatchObject({
      orders: 2_000,
      confirmed: 2_000,
      confirmedTwice: 0,
    });
  }, 180_000);
});

describe('outbox on PostgreSQL: faults that need a server of their own', () => {
  it('a database down for longer than the job retry budget: after it is back every pending order is confirmed once; no 503 left an order', async () => {
    const cluster = await startPostgresCluster();
    cleanups.push(() => cluster.destroy());
    const store = await postgresStore(`${cluster.serverUrl}/postgres`);
    cleanups.push(() => store.close());
    const redis = await privateRedis();
    const env = {
      ...store.env,
      ...FAST_OUTBOX,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: 'db-outage',
      DATABASE_ACQUIRE_TIMEOUT: '1s',
    };
    const api = await startReadyApi('api', env);
    keep(api.process);
    // A slow provider keeps most jobs in flight or waiting when the database goes away.
    const worker = keep(
      await startReadyWorker('worker', {
        ...env,
        WORKER_CONCURRENCY: '5',
        WORKER_PROVIDER_LATENCY: '1s',
      }),
    );

    const before = await postOrders(30, 10, () => api.url);
    expect(before.every((answer) => answer.status === 201)).toBe(true);
    await cluster.stop('fast');
    // 5 attempts with 0.2 s doubling back-off is spent in about 3 s; stay down well past it.
    const during = await postOrders(10, 5, () => api.url);
    expect(during.every((answer) => answer.status === 503)).toBe(true);
    await worker.waitForLine(
      (line) => typeof line.message === 'string' && line.message.includes('failed permanently'),
      30_000,
    );
    await delay(3_000);
    await cluster.start();

    const counts = await untilAllConfirmed(store.knex, 60_000);
    expect(counts).toMatchObject({ orders: 30, confirmed: 30, confirmedTwice: 0 });
    expect(
      await ordersWithKeys(
        store.knex,
        during.map((answer) => answer.key),
      ),
    ).toEqual([]);
    expect(
      api.process.lines.some((l) =>
        String(l.message).startsWith('order job had run out of attempts'),
      ),
    ).toBe(true);
  }, 180_000);

  it('two API replicas and two workers under load, one replica SIGKILLed: no order lost, none confirmed twice', async () => {
    const store = await postgresStore();
    cleanups.push(() => store.close());
    const redis = await privateRedis();
    const env = { ...store.env, ...FAST_OUTBOX, REDIS_URL: redis.url, QUEUE_PREFIX: 'replicas' };
    const [a, b] = [await startReadyApi('api-a', env), await startReadyApi('api-b', env)];
    keep(a.process);
    keep(b.process);
    for (const name of ['worker-1', 'worker-2'])
      keep(await startReadyWorker(name, { ...env, WORKER_CONCURRENCY: '5' }));

    let killed = false;
    const posting = postOrders(600, 20, (i) => (i % 2 === 0 || killed ? b.url : a.url));
    await until(
      '200 orders',
      async () => ((await orderCounts(store.knex)).orders >= 200 ? true : undefined),
      30_000,
      50,
    );
    a.process.child.kill('SIGKILL');
    killed = true;
    const answers = await posting;

    const created = answers.filter((answer) => answer.status === 201);
    expect(created.length).toBeGreaterThan(500);
    const counts = await untilAllConfirmed(store.knex, 60_000);
    expect(counts.confirmedTwice).toBe(0);
    expect(counts.failed).toBe(0);
    // Every 201 exists and is confirmed; requests cut off by the kill may or may not have committed.
    const createdIds = created.map((answer) => answer.id ?? randomUUID());
    const confirmed = (await store
      .knex('orders')
      .select('id')
      .whereIn('id', createdIds)
      .andWhere({ status: 'confirmed' })) as { id: string }[];
    expect(confirmed).toHaveLength(created.length);
    expect(counts.orders).toBeLessThanOrEqual(answers.filter((x) => x.status !== 503).length);
  }, 180_000);
});
