import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '@shipshape/testkit';
import { createDatabase } from '../connection.js';
import { createOutboxStore } from '../../outbox/outbox-store.js';
import { migrationSource } from './index.js';

async function onSqlite(use: (db: Knex) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'outbox-in-orders-'));
  const { db } = createDatabase({ file: join(dir, 'orders.sqlite') });
  try {
    await use(db);
  } finally {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function onPostgres(use: (db: Knex) => Promise<void>): Promise<void> {
  const database = await createTestDatabase({ prefix: 'api_outbox_in_orders' });
  const { db } = createDatabase({ url: database.url, poolMax: 2 });
  try {
    await use(db);
  } finally {
    await db.destroy();
    await database.drop();
  }
}

const order = (id: string, status: string) => {
  const at = new Date().toISOString();
  return {
    id,
    status,
    customer_email: 'a@b.co',
    items: '[]',
    total_cents: 0,
    request_id: `r-${id}`,
    created_at: at,
    updated_at: at,
  };
};

describe.each([
  ['SQLite', onSqlite],
  ['PostgreSQL', onPostgres],
])('the migration that moves the outbox into orders, on %s', (_name, on) => {
  it('moves every record into its order’s row, and back on down, losing none', () =>
    on(async (db) => {
      for (let i = 0; i < 3; i++) await db.migrate.up({ migrationSource });
      await db('orders').insert([order('o-pending', 'pending'), order('o-done', 'confirmed')]);
      await db('order_outbox').insert({
        order_id: 'o-pending',
        request_id: 'r-o-pending',
        trace_context: '{"traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}',
        created_at: 1_000,
        available_at: 2_000,
        attempts: 3,
        last_error: 'Redis did not answer',
      });

      await db.migrate.up({ migrationSource });
      expect(await db('order_outbox').select()).toEqual([]); // moved, the table kept
      const rows = (await db('orders')
        .select('id', 'outbox_created_at', 'outbox_available_at', 'outbox_attempts')
        .select('outbox_last_error', 'outbox_trace_context')
        .orderBy('id')) as Record<string, unknown>[];
      expect(rows.map((row) => [row.id, Number(row.outbox_available_at) || null])).toEqual([
        ['o-done', null],
        ['o-pending', 2_000],
      ]);
      expect(rows[1]).toMatchObject({
        outbox_last_error: 'Redis did not answer',
        outbox_trace_context: expect.stringContaining('traceparent') as unknown,
      });
      expect(Number(rows[1]?.outbox_created_at)).toBe(1_000);
      expect(Number(rows[1]?.outbox_attempts)).toBe(3);

      await db.migrate.down({ migrationSource });
      expect(await db.schema.hasColumn('orders', 'outbox_available_at')).toBe(false);
      const back = (await db('order_outbox').select()) as Record<string, unknown>[];
      expect(back).toHaveLength(1);
      expect(back[0]).toMatchObject({ order_id: 'o-pending', last_error: 'Redis did not answer' });
      expect(Number(back[0]?.available_at)).toBe(2_000);

      await db.migrate.latest({ migrationSource });
      expect(Number((await db('orders').where({ id: 'o-pending' }).first()).outbox_attempts)).toBe(
        3,
      );
    }));

  it('hands a record the previous release writes during a rolling deploy to the next claim', () =>
    on(async (db) => {
      await db.migrate.latest({ migrationSource });
      await db('orders').insert(order('o-old-pod', 'pending'));
      // What the previous release's placement writes (its order row has no record columns).
      await db('order_outbox').insert({
        order_id: 'o-old-pod',
        request_id: 'r-o-old-pod',
        created_at: 5_000,
        available_at: 6_000,
        attempts: 0,
      });
      const store = createOutboxStore(db, () => 6_000);
      expect(await store.stats()).toEqual({ records: 0, oldestAgeMs: 0 });
      const claimed = await store.claimDue(10, 1_000);
      expect(
        claimed.map((record) => [record.orderId, record.requestId, record.orderStatus]),
      ).toEqual([['o-old-pod', 'r-o-old-pod', 'pending']]);
      expect(await db('order_outbox').select()).toEqual([]);
      expect(await store.stats()).toEqual({ records: 1, oldestAgeMs: 1_000 });
    }));
});
