import { UnrecoverableError } from 'bullmq';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { migratedPostgres } from '../test/helpers/migrated-postgres.js';
import { migratedSqlite } from '../test/helpers/migrated-sqlite.js';
import { insertOrder } from '../test/helpers/orders.js';
import type { Database } from './database.js';
import { createOrderProcessor, type OrderJobLike } from './order-processor.js';
import { createProviderStandIn } from './provider.js';
import type { LoggerLike } from './types.js';

interface Line {
  level: string;
  message: string;
  fields: Record<string, unknown> | undefined;
}

function memoryLogger(lines: Line[]): LoggerLike {
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    lines.push({ level, message, fields });
  };
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}

const job = (data: unknown, attemptsMade = 0, id = 'job-1'): OrderJobLike => ({
  id,
  name: 'order.confirm',
  queueName: 'orders',
  data,
  attemptsMade,
});

const iso = (value: unknown) => new Date(value as string | Date).toISOString();

describe.each([
  { backend: 'SQLite', open: migratedSqlite },
  { backend: 'PostgreSQL', open: migratedPostgres },
])('order processor ($backend)', ({ open }) => {
  let migrated: Awaited<ReturnType<typeof open>>;
  let database: Database;
  let lines: Line[];

  beforeAll(async () => {
    migrated = await open();
    database = migrated.database;
  });
  afterAll(() => migrated.cleanup());
  beforeEach(() => {
    lines = [];
  });

  const processor = (latencyMs = 0) =>
    createOrderProcessor({
      db: database.knex,
      logger: memoryLogger(lines),
      provider: createProviderStandIn({ latencyMs }),
      now: () => new Date('2026-01-02T03:04:05.000Z'),
    });

  it('confirms an order: computes the total, writes one confirmation and flips the status', async () => {
    await insertOrder(database.knex, { id: 'o-1', total_cents: 1 });
    const result = await processor()(job({ order_id: 'o-1', request_id: 'r-1' }, 1, 'o-1'));
    expect(result).toEqual({ order_id: 'o-1', outcome: 'confirmed', total_cents: 4498 });
    const order = await database.knex('orders').where({ id: 'o-1' }).first();
    expect(order).toMatchObject({ status: 'confirmed', total_cents: 4498 });
    expect(iso(order.confirmed_at)).toBe('2026-01-02T03:04:05.000Z');
    const rows: Record<string, unknown>[] = await database
      .knex('order_confirmations')
      .where({ order_id: 'o-1' });
    expect(rows.map((r) => ({ ...r, confirmed_at: iso(r.confirmed_at) }))).toEqual([
      { order_id: 'o-1', job_id: 'o-1', attempt: 2, confirmed_at: '2026-01-02T03:04:05.000Z' },
    ]);
    expect(lines).toContainEqual({
      level: 'warn',
      message: 'stored order total differs from its items; confirming the computed total',
      fields: { order_id: 'o-1', stored_total_cents: 1, computed_total_cents: 4498 },
    });
  });

  it('treats a second delivery as a no-op: still one confirmation row', async () => {
    await insertOrder(database.knex, { id: 'o-2' });
    const run = processor();
    await run(job({ order_id: 'o-2' }));
    const again = await run(job({ order_id: 'o-2' }, 0, 'job-2'));
    expect(again.outcome).toBe('already_confirmed');
    expect(await database.knex('order_confirmations').where({ order_id: 'o-2' })).toHaveLength(1);
  });

  it('confirms exactly once when two deliveries race past the status check', async () => {
    await insertOrder(database.knex, { id: 'o-3' });
    const run = processor(20);
    const results = await Promise.all([
      run(job({ order_id: 'o-3' }, 0, 'a')),
      run(job({ order_id: 'o-3' }, 0, 'b')),
    ]);
    expect(results.map((r) => r.outcome).sort()).toEqual(['confirmed', 'duplicate']);
    expect(await database.knex('order_confirmations').where({ order_id: 'o-3' })).toHaveLength(1);
  });

  it('rejects invalid job data as unrecoverable, naming the job and the field', async () => {
    const error = await processor()(job({ orderId: 'x' }, 0, 'poison-1')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnrecoverableError);
    expect((error as Error).message).toMatch(
      /job poison-1 has invalid order.confirm data \(order_id:/,
    );
  });

  it('fails (retryably) when the order does not exist', async () => {
    const error = await processor()(job({ order_id: 'missing' })).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(UnrecoverableError);
    expect(error).toMatchObject({ code: 'ORDER_NOT_FOUND' });
  });

  it('treats unreadable stored items as unrecoverable and ends the order failed, with the reason, once', async () => {
    await insertOrder(database.knex, { id: 'o-4', items: [{ sku: 'x', quantity: -1 }] });
    const failures: string[] = [];
    const run = createOrderProcessor({
      db: database.knex,
      logger: memoryLogger(lines),
      provider: createProviderStandIn({ latencyMs: 0 }),
      now: () => new Date('2026-01-02T03:04:05.000Z'),
      onOrderFailed: (reason) => failures.push(reason),
    });
    const error = await run(job({ order_id: 'o-4' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnrecoverableError);
    expect(error).toMatchObject({ code: 'ORDER_ITEMS_INVALID' });
    const order = await database.knex('orders').where({ id: 'o-4' }).first();
    expect(order).toMatchObject({ status: 'failed' });
    expect(order.failure_reason).toMatch(/^order o-4 has unreadable items \(0\.quantity:/);
    expect(failures).toEqual(['items_invalid']);

    // A second delivery of the same job changes nothing and counts nothing.
    expect(await run(job({ order_id: 'o-4' }, 1))).toMatchObject({ outcome: 'already_failed' });
    expect(failures).toEqual(['items_invalid']);
    expect(await database.knex('order_confirmations').where({ order_id: 'o-4' })).toHaveLength(0);
  });

  it('stops before writing when its abort signal fires during the provider call', async () => {
    await insertOrder(database.knex, { id: 'o-5' });
    const controller = new AbortController();
    const pending = processor(5_000)(job({ order_id: 'o-5' }), 'token', controller.signal);
    setTimeout(() => controller.abort(new Error('shutdown deadline reached')), 20);
    await expect(pending).rejects.toThrow('shutdown deadline reached');
    const order = await database.knex('orders').where({ id: 'o-5' }).first();
    expect(order.status).toBe('pending');
  });
});

describe('embedded SQLite file', () => {
  it('uses WAL mode and a busy timeout', async () => {
    const sqlite = await migratedSqlite();
    const { database } = sqlite;
    try {
      const [mode] = await database.knex.raw('PRAGMA journal_mode');
      const [busy] = await database.knex.raw('PRAGMA busy_timeout');
      expect(mode).toEqual({ journal_mode: 'wal' });
      expect(Object.values(busy as object)).toEqual([5000]);
    } finally {
      await sqlite.cleanup();
    }
  });
});
