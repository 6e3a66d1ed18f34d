import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '@shipshape/testkit';
import { createDatabase } from '../db/connection.js';
import { migrateToLatest } from '../db/migrate.js';
import { createOutboxStore } from './outbox-store.js';

interface Backend {
  /** Several independent connections to one database, as several API replicas have. */
  handles: Knex[];
  cleanup(): Promise<void>;
}

async function sqlite(): Promise<Backend> {
  const dir = mkdtempSync(join(tmpdir(), 'outbox-store-'));
  const file = join(dir, 'orders.sqlite');
  const handles = [1, 2, 3].map(() => createDatabase({ file }).db);
  await migrateToLatest(handles[0]!);
  return {
    handles,
    async cleanup() {
      await Promise.all(handles.map((db) => db.destroy()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function postgres(): Promise<Backend> {
  const database = await createTestDatabase({ prefix: 'api_outbox' });
  const handles = [1, 2, 3].map(() => createDatabase({ url: database.url, poolMax: 2 }).db);
  await migrateToLatest(handles[0]!);
  return {
    handles,
    async cleanup() {
      await Promise.all(handles.map((db) => db.destroy()));
      await database.drop();
    },
  };
}

async function insertOrders(db: Knex, ids: readonly string[], status = 'pending'): Promise<void> {
  const now = new Date().toISOString();
  await db('orders').insert(
    ids.map((id) => ({
      id,
      status,
      request_id: `r-${id}`,
      customer_email: 'a@b.co',
      items: '[]',
      total_cents: 0,
      created_at: now,
      updated_at: now,
    })),
  );
}

describe.each([
  ['SQLite', sqlite],
  ['PostgreSQL', postgres],
])('outbox store on %s', (_name, open) => {
  let backend: Backend;
  let clock = 1_000_000;
  const now = () => clock;

  beforeAll(async () => {
    backend = await open();
  });
  afterAll(() => backend.cleanup());

  it('writes an order and its record together, or neither when the order cannot be written', async () => {
    const [db] = backend.handles;
    const store = createOutboxStore(db!, now);
    const order = (id: string, key: string) => {
      const at = new Date().toISOString();
      return {
        id,
        status: 'pending',
        customer_email: 'a@b.co',
        items: '[{"sku":"A?","quantity":1}]',
        total_cents: 0,
        idempotency_key: key,
        created_at: at,
        updated_at: at,
      };
    };
    const traceContext = { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' };
    await store.place(order('with-1', 'key-with-1'), { orderId: 'with-1', traceContext }, 5_000);
    const written = (await db!('orders').where({ id: 'with-1' }).first()) as
      Record<string, unknown> | undefined;
    expect(written).toMatchObject({ items: '[{"sku":"A?","quantity":1}]', outbox_attempts: 0 });
    expect(Number(written?.outbox_available_at)).toBe(clock + 5_000);
    expect(Number(written?.outbox_created_at)).toBe(clock);
    expect(JSON.parse(String(written?.outbox_trace_context))).toEqual(traceContext);
    expect(await store.stats()).toEqual({ records: 1, oldestAgeMs: 0 });

    // The same idempotency key again: the order's insert fails, and no record is left behind.
    await expect(
      store.place(order('with-2', 'key-with-1'), { orderId: 'with-2' }, 5_000),
    ).rejects.toThrow();
    expect(await db!('orders').where({ id: 'with-2' })).toEqual([]);

    // A lease that is no time at all (SQLite would store NaN as null: an order without a record):
    // refused, saying why, before anything is written.
    await expect(
      store.place(order('with-3', 'key-with-3'), { orderId: 'with-3' }, Number.NaN),
    ).rejects.toThrow('outbox lease must be a finite number of ms ≥ 0; got NaN');
    expect(await db!('orders').where({ id: 'with-3' })).toEqual([]);
    await store.remove(['with-1']);
    expect(await store.stats()).toEqual({ records: 0, oldestAgeMs: 0 });
  });

  it('never hands one record to two relays claiming at the same time, and leases what it hands out', async () => {
    const [db] = backend.handles;
    const ids = Array.from({ length: 60 }, (_, i) => `claim-${String(i).padStart(3, '0')}`);
    await insertOrders(db!, ids);
    const store = createOutboxStore(db!, now);
    await db!.transaction(async (trx) => {
      for (const id of ids) await store.track(trx, { orderId: id }, 0);
    });

    const stores = backend.handles.map((handle) => createOutboxStore(handle, now));
    const claims = await Promise.all(
      [...stores, ...stores].map((relay) => relay.claimDue(15, 5_000)),
    );
    const claimed = claims.flat().map((record) => record.orderId);
    expect(new Set(claimed).size).toBe(claimed.length);
    expect(claimed.length).toBe(60);
    expect(claims.flat().every((record) => record.orderStatus === 'pending')).toBe(true);
    expect(claims.flat().find((r) => r.orderId === 'claim-007')?.requestId).toBe('r-claim-007');

    // Leased: nothing is due until the lease ends, then everything is again.
    expect(await stores[0]!.claimDue(100, 5_000)).toEqual([]);
    clock += 5_000;
    expect(await stores[1]!.claimDue(100, 5_000)).toHaveLength(60);
    expect(await store.stats()).toEqual({ records: 60, oldestAgeMs: 5_000 });
    await store.remove(ids);
    expect(await store.stats()).toEqual({ records: 0, oldestAgeMs: 0 });
  });

  it('claims settled orders with their status, reschedules, and expedites on request', async () => {
    const [db] = backend.handles;
    await insertOrders(db!, ['done-1'], 'confirmed');
    await insertOrders(db!, ['wait-1']);
    const store = createOutboxStore(db!, now);
    await db!.transaction(async (trx) => {
      await store.track(trx, { orderId: 'done-1' }, 0);
      await store.track(trx, { orderId: 'wait-1' }, 60_000);
    });
    const claimed = await store.claimDue(10, 1_000);
    expect(claimed.map((r) => [r.orderId, r.orderStatus, r.attempts])).toEqual([
      ['done-1', 'confirmed', 1],
    ]);
    await store.remove(['done-1']);

    await store.expedite({ orderId: 'wait-1' });
    const expedited = await store.claimDue(10, 1_000);
    expect(expedited.map((r) => r.orderId)).toEqual(['wait-1']);
    await store.reschedule(['wait-1'], 2_000, 'Redis did not answer');
    clock += 1_999;
    expect(await store.claimDue(10, 1_000)).toEqual([]);
    clock += 1;
    expect((await store.claimDue(10, 1_000)).map((r) => [r.orderId, r.attempts])).toEqual([
      ['wait-1', 2],
    ]);
    const row = await db!('orders').where({ id: 'wait-1' }).first();
    expect(row.outbox_last_error).toBe('Redis did not answer');
  });
});

describe('outbox store on PostgreSQL: the placement is a prepared statement', () => {
  it('is prepared once per connection by name, one name per text, and then only executed', async () => {
    const database = await createTestDatabase({ prefix: 'api_outbox_prepared' });
    const { db } = createDatabase({ url: database.url, poolMax: 1 });
    try {
      await migrateToLatest(db);
      const store = createOutboxStore(db);
      const at = new Date().toISOString();
      const order = (id: string, extra: object = {}) => ({
        id,
        status: 'pending',
        customer_email: 'a@b.co',
        items: '[]',
        total_cents: 0,
        created_at: at,
        updated_at: at,
        ...extra,
      });
      const prepared = async () =>
        (
          await db.raw<{ rows: { name: string }[] }>(
            "select name from pg_prepared_statements where name like 'order_placement_%' order by name",
          )
        ).rows.map((row) => row.name);

      for (const id of ['p-1', 'p-2', 'p-3']) await store.place(order(id), { orderId: id }, 0);
      const [name] = await prepared();
      expect(await prepared()).toEqual([name]); // one connection, one text: prepared once

      // Another column set is another text: its own name, beside the first, both still working.
      await store.place(order('p-4', { request_id: 'r-4' }), { orderId: 'p-4' }, 0);
      await store.place(order('p-5'), { orderId: 'p-5' }, 0);
      expect(await prepared()).toHaveLength(2);
      expect(await prepared()).toContain(name);
      expect(await store.stats()).toMatchObject({ records: 5 });
    } finally {
      await db.destroy();
      await database.drop();
    }
  });
});
