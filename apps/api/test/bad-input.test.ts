import { request } from 'node:http';
import type { Knex } from 'knex';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedEnv, startApp, waitForLog, type AppProcess } from './helpers/app-process.js';
import { countOrders, openDatabase } from './helpers/database.js';
import { call, ORDER } from './helpers/http.js';
import { deleteKeys, SHARED_REDIS_URL } from './helpers/redis.js';

const PROBLEM = 'https://shipshape.dev/problems/';

interface Case {
  readonly name: string;
  readonly method?: string;
  readonly path?: string;
  readonly body?: string;
  readonly headers?: Record<string, string>;
  readonly status: number;
  readonly type?: string;
  /** Every pointer / parameter / header the 400 must list. */
  readonly invalid?: readonly string[];
}

const json = (value: unknown): string => JSON.stringify(value);
const item = ORDER.items[0];

const cases: Case[] = [
  {
    name: 'malformed percent-encoding in the path',
    method: 'GET',
    path: '/v1/orders/%ZZ',
    status: 400,
  },
  { name: 'a lone % in the path', method: 'GET', path: '/v1/orders/abc%', status: 400 },
  {
    name: 'malformed JSON',
    body: '{"customer_email": "a@b.co", "items": [',
    status: 400,
    type: 'malformed-json',
  },
  { name: 'JSON null (not an object)', body: 'null', status: 400, type: 'malformed-json' },
  {
    name: 'a JSON array instead of an object',
    body: '[]',
    status: 400,
    type: 'validation-error',
    invalid: ['#'],
  },
  {
    name: 'empty object: both fields missing',
    body: '{}',
    status: 400,
    invalid: ['#/customer_email', '#/items'],
  },
  {
    name: 'wrong types everywhere',
    body: json({ customer_email: 42, items: [{ sku: 7, quantity: '2', unit_price_cents: 19.99 }] }),
    status: 400,
    invalid: [
      '#/customer_email',
      '#/items/0/sku',
      '#/items/0/quantity',
      '#/items/0/unit_price_cents',
    ],
  },
  {
    name: 'unknown fields, top level and in an item',
    body: json({ ...ORDER, coupon: 'FREE', items: [{ ...item, discount: 100 }] }),
    status: 400,
    invalid: ['#/coupon', '#/items/0/discount'],
  },
  {
    name: 'out-of-range values and a bad email',
    body: json({
      customer_email: 'not-an-email',
      items: [{ sku: '', quantity: 0, unit_price_cents: -1 }],
    }),
    status: 400,
    invalid: [
      '#/customer_email',
      '#/items/0/sku',
      '#/items/0/quantity',
      '#/items/0/unit_price_cents',
    ],
  },
  { name: 'no items', body: json({ ...ORDER, items: [] }), status: 400, invalid: ['#/items'] },
  {
    name: 'a total beyond 32 bits',
    body: json({
      ...ORDER,
      items: [{ sku: 'X', quantity: 10_000, unit_price_cents: 100_000_000 }],
    }),
    status: 400,
    invalid: ['#/items'],
  },
  {
    name: 'a body over the limit',
    body: json({ ...ORDER, padding: 'x'.repeat(200 * 1024) }),
    status: 413,
    type: 'body-too-large',
  },
  {
    name: 'text/plain',
    body: json(ORDER),
    headers: { 'content-type': 'text/plain' },
    status: 415,
    type: 'unsupported-media-type',
  },
  {
    name: 'a form post',
    body: 'customer_email=a%40b.co',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    status: 415,
    type: 'unsupported-media-type',
  },
  {
    name: 'no Content-Type',
    body: json(ORDER),
    headers: { 'content-type': '' },
    status: 415,
    type: 'unsupported-media-type',
  },
  {
    name: 'JSON in latin1',
    body: json(ORDER),
    headers: { 'content-type': 'application/json; charset=latin1' },
    status: 415,
    type: 'unsupported-media-type',
  },
  {
    name: 'an Idempotency-Key with spaces',
    body: json(ORDER),
    headers: { 'idempotency-key': 'has spaces in it' },
    status: 400,
    invalid: ['Idempotency-Key'],
  },
  {
    name: 'list: limit 0',
    method: 'GET',
    path: '/v1/orders?limit=0',
    status: 400,
    invalid: ['limit'],
  },
  {
    name: 'list: limit abc and unknown status',
    method: 'GET',
    path: '/v1/orders?limit=abc&status=shipped',
    status: 400,
    invalid: ['limit', 'status'],
  },
  {
    name: 'list: a forged cursor',
    method: 'GET',
    path: "/v1/orders?cursor=' OR 1=1 --",
    status: 400,
    invalid: ['cursor'],
  },
  {
    name: 'long poll: wait for something else, timeout too long',
    method: 'GET',
    path: '/v1/orders/01a21bcc-9761-778d-bc0f-943b441244c6?wait=shipped&timeout=99s',
    status: 400,
    invalid: ['wait', 'timeout'],
  },
  { name: 'an unknown route', method: 'GET', path: '/v1/nothing-here', status: 404 },
  { name: 'an unsupported method', method: 'DELETE', path: '/v1/orders', status: 404 },
];

/** node:http, not fetch: fetch would refuse an empty Content-Type or fix the charset. */
function send(
  url: string,
  c: Case,
): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...c.headers };
    if (headers['content-type'] === '') delete headers['content-type'];
    const req = request(
      `${url}${c.path ?? '/v1/orders'}`,
      { method: c.method ?? 'POST', headers },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on('error', reject);
    req.end(c.body);
  });
}

describe('bad input: each gets the right problem response and nothing is written', () => {
  let app: AppProcess;
  let db: Knex;
  const env = isolatedEnv();

  beforeAll(async () => {
    app = await startApp({ env });
    db = openDatabase(env);
  });

  afterAll(async () => {
    await app.stop();
    await db.destroy();
    await deleteKeys(env['QUEUE_PREFIX']!);
  });

  it.each(cases)('$name → $status', async (c) => {
    const res = await send(app.url, c);
    expect(res.status, res.text).toBe(c.status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = JSON.parse(res.text) as Record<string, unknown> & {
      errors?: Record<string, string>[];
    };
    expect(problem['status']).toBe(c.status);
    expect(typeof problem['title']).toBe('string');
    // `instance` is the path only: query input is never reflected.
    expect(problem['instance']).toBe((c.path ?? '/v1/orders').split('?')[0]);
    if (c.type !== undefined) expect(problem['type']).toBe(`${PROBLEM}${c.type}`);
    if (c.invalid !== undefined) {
      expect(problem['type']).toBe(`${PROBLEM}validation-error`);
      const listed = (problem.errors ?? []).map(
        (e) => e['pointer'] ?? e['parameter'] ?? e['header'],
      );
      for (const where of c.invalid) expect(listed).toContain(where);
      for (const error of problem.errors ?? []) expect(typeof error['detail']).toBe('string');
    }
    if (c.status === 415) expect(res.headers['accept-post']).toBe('application/json');
    // Nothing internal leaks: no stack frames, SQL or connection details.
    expect(res.text).not.toMatch(
      /at .*\.js:\d+|node_modules|select |insert into|sqlite|redis:\/\//i,
    );
  });

  it('wrote no order and enqueued no job for any of them', async () => {
    expect(await countOrders(db)).toBe(0);
    const redis = new Redis(SHARED_REDIS_URL);
    try {
      const [, keys] = await redis.scan(
        '0',
        'MATCH',
        `${env['QUEUE_PREFIX']!}:orders:0*`,
        'COUNT',
        1000,
      );
      expect(keys).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });

  it('stores unicode and SQL-looking strings verbatim', async () => {
    const tricky = {
      customer_email: "o'brien@example.com",
      items: [
        { sku: "'; DROP TABLE orders; --", quantity: 1, unit_price_cents: 1 },
        { sku: 'ÜBER-Ω-😀-日本語', quantity: 3, unit_price_cents: 250 },
        { sku: 'Robert"); DELETE FROM orders WHERE ("1"="1', quantity: 1, unit_price_cents: 0 },
      ],
    };
    const created = await call(`${app.url}/v1/orders`, { method: 'POST', json: tricky });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ ...tricky, total_cents: 751 });
    const read = await call(`${app.url}/v1/orders/${created.body.id}`);
    expect(read.body).toMatchObject(tricky);
    const row = (await db('orders').where({ id: created.body.id }).first()) as {
      customer_email: string;
      items: string;
    };
    expect(row.customer_email).toBe(tricky.customer_email);
    expect(JSON.parse(row.items)).toEqual(tricky.items);
    expect(await countOrders(db)).toBe(1);
  });

  it('reads an order whose stored items were corrupted by hand (the worker fails it) instead of answering 500', async () => {
    const created = await call(`${app.url}/v1/orders`, { method: 'POST', json: ORDER });
    await db('orders').where({ id: created.body.id }).update({
      items: '{not json',
      status: 'failed',
      failure_reason: 'order has unreadable items',
    });
    const read = await call(`${app.url}/v1/orders/${created.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      status: 'failed',
      items: [],
      failure_reason: 'order has unreadable items',
    });
    await db('orders').where({ id: created.body.id }).delete();
  });

  it('answers 500 without internals when something unexpected breaks (here: the orders table is gone)', async () => {
    await db.schema.renameTable('orders', 'orders_moved_away');
    try {
      for (const [method, path] of [
        ['POST', '/v1/orders'],
        ['GET', '/v1/orders'],
      ] as const) {
        const res = await send(app.url, {
          name: 'broken',
          method,
          path,
          ...(method === 'POST' ? { body: json(ORDER) } : {}),
          status: 500,
        });
        expect(res.status).toBe(500);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        const problem = JSON.parse(res.text) as Record<string, unknown>;
        expect(problem).toMatchObject({ status: 500, title: 'Internal Server Error' });
        expect(typeof problem['request_id']).toBe('string');
        expect(res.text).not.toMatch(
          /orders_moved_away|no such table|SQLITE|select|insert|at .*\.js/i,
        );
      }
      // The operator sees the cause in the log, tied to the request.
      const logged = await waitForLog(
        app,
        (l) => l.level === 'error' && JSON.stringify(l['err'] ?? '').includes('no such table'),
      );
      expect(typeof logged['request_id']).toBe('string');
    } finally {
      await db.schema.renameTable('orders_moved_away', 'orders');
    }
  });
});
