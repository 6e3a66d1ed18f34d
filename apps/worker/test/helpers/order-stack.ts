import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { createTestDatabase, freePort, type TestDatabase } from '@shipshape/testkit';
import { createDatabase } from '../../src/database.js';
import { ensureApiBuilt, migrate, startApi, startWorker } from './apps.js';
import { getJson, until, type AppProcess } from './processes.js';

/** Where the orders live for one test: a fresh SQLite file, or a fresh database on a PostgreSQL server. */
export interface OrderStore {
  readonly backend: 'SQLite' | 'PostgreSQL';
  /** DATABASE_URL or DATABASE_FILE, for both apps. */
  readonly env: Record<string, string>;
  readonly knex: Knex;
  close(): Promise<void>;
}

export function sqliteStore(): Promise<OrderStore> {
  ensureApiBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'outbox-'));
  const env = { DATABASE_FILE: join(dir, 'orders.sqlite') };
  migrate(env);
  const database = createDatabase({ file: env.DATABASE_FILE });
  return Promise.resolve({
    backend: 'SQLite',
    env,
    knex: database.knex,
    async close() {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
}

/** `adminUrl`: a server other than the shared one (e.g. a private cluster that the test stops). */
export async function postgresStore(adminUrl?: string): Promise<OrderStore> {
  ensureApiBuilt();
  const database: TestDatabase = await createTestDatabase({
    prefix: 'outbox',
    ...(adminUrl === undefined ? {} : { adminUrl }),
  });
  const env = { DATABASE_URL: database.url };
  migrate(env);
  const knex = createDatabase({ url: database.url, poolMax: 2 }).knex;
  return {
    backend: 'PostgreSQL',
    env,
    knex,
    async close() {
      await knex.destroy();
      await database.drop();
    },
  };
}

export interface Api {
  readonly process: AppProcess;
  readonly url: string;
  readonly adminUrl: string;
}

/** Starts the built API and waits until it is ready (or, with `ready: false`, live). */
export async function startReadyApi(
  name: string,
  env: Record<string, string>,
  options: { ready?: boolean } = {},
): Promise<Api> {
  const [port, adminPort] = [await freePort(), await freePort()];
  const process = startApi(name, {
    SERVER_PORT: String(port),
    ADMIN_PORT: String(adminPort),
    DATABASE_MIGRATE_ON_START: 'never',
    LOG_LEVEL: 'info',
    ...env,
  });
  const adminUrl = `http://127.0.0.1:${adminPort}`;
  const probe = options.ready === false ? '/livez' : '/readyz';
  await stopOnFailure(
    process,
    until(
      `${name} to pass ${probe}`,
      async () => {
        if (process.child.exitCode !== null) {
          throw new Error(`${name} exited: ${process.stderr.join('')}`);
        }
        return (await getJson(`${adminUrl}${probe}`)).status === 200 ? true : undefined;
      },
      30_000,
    ),
  );
  return { process, url: `http://127.0.0.1:${port}`, adminUrl };
}

export async function startReadyWorker(
  name: string,
  env: Record<string, string>,
): Promise<AppProcess> {
  const worker = startWorker(name, { ADMIN_PORT: String(await freePort()), ...env });
  await stopOnFailure(
    worker,
    worker.waitForLine((line) => line.message === 'worker started', 30_000),
  );
  return worker;
}

/** A process that did not come up is stopped before the error propagates: no orphan outlives the test. */
async function stopOnFailure(process: AppProcess, waiting: Promise<unknown>): Promise<void> {
  try {
    await waiting;
  } catch (error) {
    await process.stop();
    throw error;
  }
}

export interface PostResult {
  readonly key: string;
  /** 0 when no answer came (connection refused or reset). */
  readonly status: number;
  readonly id?: string;
}

/** POST /v1/orders with a fresh Idempotency-Key; never rejects. */
export async function postOrder(apiUrl: string, i: number): Promise<PostResult> {
  const key = `outbox-${randomUUID()}`;
  try {
    const response = await fetch(`${apiUrl}/v1/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify({
        customer_email: `c${i}@example.com`,
        items: [{ sku: `SKU-${i % 17}`, quantity: 1 + (i % 3), unit_price_cents: 250 }],
      }),
      signal: AbortSignal.timeout(60_000),
    });
    const body = (await response.json().catch(() => ({}))) as { id?: string };
    return { key, status: response.status, ...(body.id === undefined ? {} : { id: body.id }) };
  } catch {
    return { key, status: 0 };
  }
}

/** Runs `count` POSTs, `concurrency` at a time, against the URL `target(i)` chooses. */
export async function postOrders(
  count: number,
  concurrency: number,
  target: (i: number) => string,
): Promise<PostResult[]> {
  const results: PostResult[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await postOrder(target(i), i);
      }
    }),
  );
  return results;
}

export interface OrderCounts {
  readonly orders: number;
  readonly pending: number;
  readonly confirmed: number;
  readonly failed: number;
  /** Orders with more than one confirmation row (must stay 0). */
  readonly confirmedTwice: number;
  readonly outbox: number;
}

export async function orderCounts(knex: Knex): Promise<OrderCounts> {
  const byStatus: { status: string; n: number | string }[] = await knex('orders')
    .select('status')
    .count({ n: '*' })
    .groupBy('status');
  const count = (status: string) => Number(byStatus.find((row) => row.status === status)?.n ?? 0);
  const twice = (await knex
    .from(
      knex('order_confirmations')
        .select('order_id')
        .groupBy('order_id')
        .havingRaw('count(*) > 1')
        .as('t'),
    )
    .count({ n: '*' })
    .first()) as { n: number | string } | undefined;
  const outbox = (await knex('orders')
    .whereNotNull('outbox_available_at')
    .count({ n: '*' })
    .first()) as { n: number | string } | undefined;
  return {
    orders: byStatus.reduce((sum, row) => sum + Number(row.n), 0),
    pending: count('pending'),
    confirmed: count('confirmed'),
    failed: count('failed'),
    confirmedTwice: Number(twice?.n ?? 0),
    outbox: Number(outbox?.n ?? 0),
  };
}

/** Every order confirmed exactly once, none pending or failed, the outbox drained. */
export async function untilAllConfirmed(knex: Knex, ms: number): Promise<OrderCounts> {
  return until(
    'every order to be confirmed and the outbox to drain',
    async () => {
      const counts = await orderCounts(knex);
      return counts.pending === 0 && counts.outbox === 0 ? counts : undefined;
    },
    ms,
    250,
  ).catch(async (error: unknown) => {
    throw new Error(
      `${(error as Error).message}; last counts ${JSON.stringify(await orderCounts(knex))}`,
    );
  });
}

/** Ids of the orders created with these Idempotency-Keys. */
export async function ordersWithKeys(knex: Knex, keys: readonly string[]): Promise<string[]> {
  if (keys.length === 0) return [];
  const rows = (await knex('orders')
    .select('id')
    .whereIn('idempotency_key', [...keys])) as {
    id: string;
  }[];
  return rows.map((row) => row.id);
}

/** Settings that keep each scenario within seconds: short leases, rechecks and job back-off. */
export const FAST_OUTBOX = {
  OUTBOX_POLL_INTERVAL: '200ms',
  OUTBOX_PUBLISH_LEASE: '3s',
  OUTBOX_RECHECK_INTERVAL: '2s',
  QUEUE_ENQUEUE_TIMEOUT: '2s',
  QUEUE_JOB_BACKOFF: '200ms',
} as const;
