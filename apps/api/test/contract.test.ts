import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  isolatedEnv,
  runMigrate,
  startApp,
  waitForLog,
  type AppProcess,
} from './helpers/app-process.js';
import { COMMON_INFO_KEYS } from '../src/admin/admin-info.js';
import { confirmOrder, countOrders, openDatabase } from './helpers/database.js';
import { call, ORDER } from './helpers/http.js';
import { createTestDatabase } from '@shipshape/testkit';
import { deleteKeys, readJob } from './helpers/redis.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

interface Backend {
  readonly name: string;
  setup(): Promise<{ env: Record<string, string>; teardown: () => Promise<void> }>;
}

const backends: Backend[] = [
  {
    name: 'SQLite (embedded, migrated at start-up)',
    setup: () => Promise.resolve({ env: isolatedEnv(), teardown: () => Promise.resolve() }),
  },
  {
    name: 'PostgreSQL (migrated by dist/migrate.js)',
    async setup() {
      const database = await createTestDatabase({ prefix: 'api_test' });
      const migrated = await runMigrate({ DATABASE_URL: database.url });
      expect(migrated.code, migrated.stderr + migrated.stdout).toBe(0);
      return {
        env: { ...isolatedEnv(), DATABASE_URL: database.url },
        teardown: () => database.drop(),
      };
    },
  },
];

describe.each(backends)('orders API on $name', (backend) => {
  let app: AppProcess;
  let db: Knex;
  let env: Record<string, string>;
  let teardown: () => Promise<void>;

  beforeAll(async () => {
    ({ env, teardown } = await backend.setup());
    app = await startApp({ env });
    db = openDatabase(env);
  });

  afterAll(async () => {
    await app.stop();
    await db.destroy();
    await teardown();
    await deleteKeys(env['QUEUE_PREFIX'] ?? 'none');
  });

  it('creates a pending order (201, Location) and enqueues order.confirm with job id = order id, request id and trace context', async () => {
    const res = await call(`${app.url}/v1/orders`, {
      method: 'POST',
      json: ORDER,
      headers: { traceparent: TRACEPARENT, 'x-request-id': 'req-contract-1' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      ...ORDER,
      status: 'pending',
      total_cents: 3998,
      confirmed_at: null,
    });
    expect(res.body.id).toMatch(UUID_V7);
    expect(res.headers.get('location')).toBe(`/v1/orders/${res.body.id}`);
    expect(res.headers.get('x-request-id')).toBe('req-contract-1');
    expect(res.headers.get('x-powered-by')).toBeNull();
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');

    const job = await readJob(env['QUEUE_PREFIX']!, res.body.id);
    expect(job['name']).toBe('order.confirm');
    expect(JSON.parse(job['data']!)).toEqual({
      order_id: res.body.id,
      request_id: 'req-contract-1',
      trace_context: { traceparent: TRACEPARENT },
    });
    expect(JSON.parse(job['opts']!)).toMatchObject({
      jobId: res.body.id,
      attempts: 5,
      backoff: { type: 'exponential', delay: 1000 },
    });

    const line = await waitForLog(
      app,
      (l) => l.message === 'order created' && l['order_id'] === res.body.id,
    );
    expect(line['request_id']).toBe('req-contract-1');
  });

  it('reads an order back, and answers 404 problems for unknown ids', async () => {
    const created = await call(`${app.url}/v1/orders`, { method: 'POST', json: ORDER });
    const read = await call(`${app.url}${created.headers.get('location')!}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
    for (const id of ['01a21bcc-9761-778d-bc0f-943b441244c6', 'not-a-uuid']) {
      const missing = await call(`${app.url}/v1/orders/${id}`);
      expect(missing.status).toBe(404);
      expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(missing.body).toMatchObject({ status: 404, title: 'Not Found' });
    }
  });

  it('replays an Idempotency-Key retry (same order, one row, one job) and answers 409 for a different body', async () => {
    const key = `key-${Math.random().toString(36).slice(2)}`;
    const first = await call(`${app.url}/v1/orders`, {
      method: 'POST',
      json: ORDER,
      headers: { 'idempotency-key': key },
    });
    // Same content with the fields in another order is the same request.
    const reordered = {
      items: [{ unit_price_cents: 1999, quantity: 2, sku: 'SKU-1' }],
      customer_email: 'a@b.co',
    };
    const retries = await Promise.all(
      Array.from({ length: 5 }, () =>
        call(`${app.url}/v1/orders`, {
          method: 'POST',
          json: reordered,
          headers: { 'idempotency-key': key },
        }),
      ),
    );
    expect(first.status).toBe(201);
    for (const retry of retries) {
      expect(retry.status).toBe(201);
      expect(retry.body).toEqual(first.body);
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
    }
    // The retries re-enqueued the pending order: a no-op, the first request's job is untouched.
    const job = await readJob(env['QUEUE_PREFIX']!, first.body.id as string);
    expect(JSON.parse(job['data']!)).toMatchObject({
      request_id: first.headers.get('x-request-id'),
    });
    const rows = await db('orders').where({ idempotency_key: key });
    expect(rows).toHaveLength(1);

    const conflict = await call(`${app.url}/v1/orders`, {
      method: 'POST',
      json: { ...ORDER, customer_email: 'other@b.co' },
      headers: { 'idempotency-key': key },
    });
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({
      status: 409,
      type: 'https://shipshape.dev/problems/idempotency-key-reused',
    });
    expect(await db('orders').where({ idempotency_key: key })).toHaveLength(1);
  });

  it('concurrent first requests with one Idempotency-Key create exactly one order', async () => {
    const key = `race-${Math.random().toString(36).slice(2)}`;
    const answers = await Promise.all(
      Array.from({ length: 8 }, () =>
        call(`${app.url}/v1/orders`, {
          method: 'POST',
          json: ORDER,
          headers: { 'idempotency-key': key },
        }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(201));
    expect(new Set(answers.map((a) => a.body.id as string)).size).toBe(1);
    expect(await db('orders').where({ idempotency_key: key })).toHaveLength(1);
  });

  it('lists with keyset pagination: newest first, no gaps or repeats, filtered by status', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const res = await call(`${app.url}/v1/orders`, { method: 'POST', json: ORDER });
      ids.push(res.body.id as string);
    }
    await confirmOrder(db, ids[1]!);
    await confirmOrder(db, ids[3]!);
    const all: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await call(
        `${app.url}/v1/orders?limit=2${cursor === null ? '' : `&cursor=${cursor}`}`,
      );
      expect(page.status).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      all.push(...(page.body.data as { id: string }[]).map((o) => o.id));
      cursor = page.body.next_cursor as string | null;
      pages += 1;
    } while (cursor !== null && pages < 50);
    expect(all).toEqual([...all].sort().reverse());
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBe(await countOrders(db));
    expect(all.slice(0, 5)).toEqual([...ids].reverse());

    const confirmed = await call(`${app.url}/v1/orders?status=confirmed&limit=100`);
    expect((confirmed.body.data as { id: string }[]).map((o) => o.id)).toEqual([ids[3], ids[1]]);
    expect(confirmed.body.data[0]).toMatchObject({ status: 'confirmed' });
    expect(confirmed.body.data[0].confirmed_at).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('long poll returns as soon as the order is confirmed, or at the timeout with the current state', async () => {
    const created = await call(`${app.url}/v1/orders`, { method: 'POST', json: ORDER });
    const id = created.body.id as string;
    const started = Date.now();
    const polled = call(`${app.url}/v1/orders/${id}?wait=confirmed&timeout=10s`);
    setTimeout(() => void confirmOrder(db, id), 400);
    const res = await polled;
    const elapsed = Date.now() - started;
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, status: 'confirmed' });
    expect(elapsed).toBeGreaterThanOrEqual(350);
    expect(elapsed).toBeLessThan(5000);

    const pending = await call(`${app.url}/v1/orders`, { method: 'POST', json: ORDER });
    const timedStart = Date.now();
    const timedOut = await call(
      `${app.url}/v1/orders/${pending.body.id}?wait=confirmed&timeout=600ms`,
    );
    expect(timedOut.status).toBe(200);
    expect(timedOut.body).toMatchObject({ id: pending.body.id, status: 'pending' });
    expect(Date.now() - timedStart).toBeGreaterThanOrEqual(550);
  });

  it('serves probes, metrics, log levels and info on the admin port only', async () => {
    await call(`${app.url}/v1/orders/01a21bcc-9761-778d-bc0f-943b441244c6`);
    for (const path of ['/livez', '/readyz', '/startupz']) {
      const probe = await call(`${app.adminUrl}${path}`);
      expect(probe.status, path).toBe(200);
      expect(probe.headers.get('content-type')).toMatch(/^application\/health\+json/);
    }
    for (const path of ['/readyz', '/metrics', '/admin/info'])
      expect((await call(`${app.url}${path}`)).status).toBe(404);

    const info = await call(`${app.adminUrl}/admin/info`);
    expect(info.body).toMatchObject({
      service: 'api',
      version: '0.0.0',
      commit: 'unknown',
      node_version: process.version,
    });
    expect(typeof info.body.uptime_seconds).toBe('number');
    // The keys the worker's /admin/info has too (src/admin/admin-info.ts, pinned to its copy).
    expect(Object.keys(info.body)).toEqual([...COMMON_INFO_KEYS]);
    expect(info.body).toMatchObject({ queue: 'orders', queue_prefix: app.env['QUEUE_PREFIX'] });
    expect(Date.parse(String(info.body.started_at))).toBeLessThanOrEqual(Date.now());

    const put = await call(`${app.adminUrl}/admin/log-level`, {
      method: 'PUT',
      json: { level: 'debug', expiresInMs: 60_000 },
    });
    expect(put.status).toBe(200);
    expect(JSON.stringify((await call(`${app.adminUrl}/admin/log-level`)).body)).toContain('debug');

    const metrics = (await call(`${app.adminUrl}/metrics`)).text;
    expect(metrics).toMatch(
      /http_server_request_duration_seconds_count\{[^}]*http_route="\/v1\/orders\/:id"/,
    );
    expect(metrics).toMatch(/bullmq_queue_jobs\{[^}]*queue="orders"/);
    expect(metrics).toMatch(/db_client_operation_duration_seconds_count\{/);
    expect(metrics).toMatch(/health_check_status\{[^}]*check="database"/);
    expect(metrics).toMatch(/build_info\{/);
    // Labels never carry ids.
    expect(metrics).not.toMatch(/01a21bcc-9761/);
  });
});
