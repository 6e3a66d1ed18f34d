import { afterAll, describe, expect, it } from 'vitest';
import { isolatedEnv, runMigrate, startApp, type AppProcess } from './helpers/app-process.js';
import { call, ORDER } from './helpers/http.js';
import { waitFor } from './helpers/ports.js';
import { deleteKeys, readJob } from './helpers/redis.js';
import { createTestDatabase, startPostgresCluster, startRedisServer } from '@shipshape/testkit';

async function status(url: string): Promise<number> {
  return fetch(url).then(
    (res) => res.status,
    () => 0,
  );
}

/** The app degrades (503 + Retry-After, not ready, still live) and comes back by itself. */
async function expectDegraded(app: AppProcess, dependency: string): Promise<void> {
  await waitFor(
    `readiness to fail without ${dependency}`,
    async () => (await status(`${app.adminUrl}/readyz`)) === 503,
  );
  const res = await call(`${app.url}/v1/orders`, { method: 'POST', json: ORDER });
  expect(res.status).toBe(503);
  expect(res.headers.get('retry-after')).toBe('5');
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({
    status: 503,
    type: 'https://shipshape.dev/problems/dependency-unavailable',
  });
  expect(res.text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|postgres:|redis:|at .*\.js/);
  expect(await status(`${app.adminUrl}/livez`)).toBe(200);
  expect(app.child.exitCode).toBeNull();
}

async function expectRecovered(app: AppProcess, dependency: string): Promise<void> {
  await waitFor(
    `readiness to pass again with ${dependency} back`,
    async () => (await status(`${app.adminUrl}/readyz`)) === 200,
    30_000,
  );
  const res = await call(`${app.url}/v1/orders`, { method: 'POST', json: ORDER });
  expect(res.status).toBe(201);
  const read = await call(`${app.url}/v1/orders/${res.body.id}`);
  expect(read.status).toBe(200);
}

describe('faults: a dependency stops under the running app', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  });

  it('Redis stopped → orders still commit (201, pending), ready with a warning, still live; back → the relay publishes their jobs without a restart', async () => {
    const redis = await startRedisServer();
    cleanups.push(() => redis.destroy());
    const isolated = isolatedEnv();
    const prefix = isolated['QUEUE_PREFIX'] ?? 'unset';
    const env = { ...isolated, REDIS_URL: redis.url, OUTBOX_POLL_INTERVAL: '200ms' };
    const app = await startApp({ env });
    cleanups.push(() => app.stop());
    expect((await call(`${app.url}/v1/orders`, { method: 'POST', json: ORDER })).status).toBe(201);

    await redis.kill();
    await waitFor('Redis to be reported down', async () => {
      const res = await fetch(`${app.adminUrl}/readyz?verbose`);
      const body = (await res.json()) as { status: string };
      return res.status === 200 && body.status === 'warn';
    });
    const during = await call(`${app.url}/v1/orders`, { method: 'POST', json: ORDER });
    expect(during.status).toBe(201);
    expect(during.body).toMatchObject({ status: 'pending' });
    expect(await status(`${app.adminUrl}/livez`)).toBe(200);
    expect(app.child.exitCode).toBeNull();
    expect((await call(`${app.url}/v1/orders`)).body.data).toHaveLength(2);

    await redis.start();
    await waitFor(
      "the relay to publish the outage order's job",
      async () => (await readJob(prefix, during.body.id, redis.url))['name'] === 'order.confirm',
      30_000,
    );
    await expectRecovered(app, 'Redis');
    expect((await app.stop()).code).toBe(0);
  });

  it('PostgreSQL stopped → 503 + Retry-After, not ready, still live; back → recovers without a restart', async () => {
    const cluster = await startPostgresCluster();
    cleanups.push(() => cluster.destroy());
    const database = await createTestDatabase({
      adminUrl: `${cluster.serverUrl}/postgres`,
      prefix: 'api_test',
    });
    expect((await runMigrate({ DATABASE_URL: database.url })).code).toBe(0);
    const isolated = isolatedEnv();
    const env = { ...isolated, DATABASE_URL: database.url, DATABASE_ACQUIRE_TIMEOUT: '2s' };
    // This app uses the shared Redis: remove its queue keys afterwards.
    cleanups.push(() => deleteKeys(isolated['QUEUE_PREFIX'] ?? 'unset'));
    const app = await startApp({ env });
    cleanups.push(() => app.stop());
    expect((await call(`${app.url}/v1/orders`, { method: 'POST', json: ORDER })).status).toBe(201);

    await cluster.stop();
    await expectDegraded(app, 'PostgreSQL');
    const read = await call(`${app.url}/v1/orders?limit=1`);
    expect(read.status).toBe(503);
    expect(read.headers.get('retry-after')).toBe('5');

    await cluster.start();
    await expectRecovered(app, 'PostgreSQL');
    expect((await app.stop()).code).toBe(0);
  });

  it('a database that does not exist (3D000: dropped or renamed) → 503 + Retry-After, not 500', async () => {
    const cluster = await startPostgresCluster();
    cleanups.push(() => cluster.destroy());
    const isolated = isolatedEnv();
    cleanups.push(() => deleteKeys(isolated['QUEUE_PREFIX'] ?? 'unset'));
    const env = {
      ...isolated,
      DATABASE_URL: `${cluster.serverUrl}/no_such_database`,
      DATABASE_MIGRATE_ON_START: 'never',
    };
    const app = await startApp({ env, waitForReady: false });
    cleanups.push(() => app.stop());
    await expectDegraded(app, 'the database');
    // Logged as an outage, never as a bug: no 500, no "Internal Server Error".
    const requestLines = app.logs.filter((line) => line.message.startsWith('POST /v1/orders'));
    expect(requestLines.length).toBeGreaterThan(0);
    const statusOf = (line: Record<string, unknown>) =>
      line['http.response.status_code'] ?? line['status'];
    expect(requestLines.filter((line) => statusOf(line) !== 503)).toEqual([]);
    expect(JSON.stringify(app.logs)).not.toContain('Internal Server Error');
    expect((await app.stop()).code).toBe(0);
  });
});
