import knexFactory from 'knex';
import { afterAll, describe, expect, it } from 'vitest';
import { createMetrics } from '../src/index.js';
import { label, samples, waitFor } from './helpers.js';

function valueOf(
  text: string,
  name: string,
  match: Record<string, string> = {},
): number | undefined {
  const line = samples(text, name).find((candidate) =>
    Object.entries(match).every(([key, value]) => label(candidate, key) === value),
  );
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

const databases: knexFactory.Knex[] = [];
afterAll(async () => {
  for (const db of databases) await db.destroy();
});

describe('knex instrumentation (SQLite)', () => {
  it('observes operation durations by operation and outcome', async () => {
    const db = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: ':memory:' },
      useNullAsDefault: true,
    });
    databases.push(db);
    const metrics = createMetrics({ service: 'api', defaultMetrics: false });
    metrics.instrumentKnex(db);
    await db.schema.createTable('items', (table) => {
      table.string('id').primary();
      table.integer('n');
    });
    await db('items').insert({ id: 'a', n: 1 });
    await db('items').insert({ id: 'b', n: 2 });
    await db('items').where({ id: 'a' }).first();
    await db('items').update({ n: 3 }).where({ id: 'b' });
    await expect(db('items').insert({ id: 'a', n: 9 })).rejects.toThrow();
    await db.transaction(async (trx) => {
      await trx('items').delete().where({ id: 'b' });
    });

    const text = await metrics.scrape();
    const count = (operation: string, outcome: string): number | undefined =>
      valueOf(text, 'db_client_operation_duration_seconds_count', {
        db_operation_name: operation,
        outcome,
      });
    expect(count('insert', 'success')).toBe(2);
    expect(count('insert', 'error')).toBe(1);
    expect(count('select', 'success')).toBe(1);
    expect(count('update', 'success')).toBe(1);
    expect(count('delete', 'success')).toBe(1);
    const operations = new Set(
      samples(text, 'db_client_operation_duration_seconds_count').map((line) =>
        label(line, 'db_operation_name'),
      ),
    );
    for (const operation of operations) expect(operation).toMatch(/^[a-z]+$/);
  });

  it('reads pool gauges at scrape time and drops them after destroy', async () => {
    const db = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: ':memory:' },
      useNullAsDefault: true,
      pool: { min: 0, max: 1 },
    });
    const metrics = createMetrics({ service: 'api', defaultMetrics: false });
    metrics.instrumentKnex(db);
    await db.raw('select 1');
    let release: () => void = () => undefined;
    const held = db.transaction(
      (trx) =>
        new Promise<void>((resolve) => {
          void trx.raw('select 1').then(() => {
            release = resolve;
          });
        }),
    );
    await waitFor(
      async () =>
        valueOf(await metrics.scrape(), 'db_client_connection_count', {
          db_client_connection_state: 'used',
        }) === 1,
    );
    // knex builders are lazy: then() starts the query, which must wait for the pool.
    const waiting = db.raw('select 2').then(() => undefined);
    await waitFor(
      async () => valueOf(await metrics.scrape(), 'db_client_connection_pending_requests') === 1,
    );
    const busy = await metrics.scrape();
    expect(
      valueOf(busy, 'db_client_connection_count', { db_client_connection_state: 'idle' }),
    ).toBe(0);
    expect(valueOf(busy, 'db_client_connection_max')).toBe(1);
    release();
    await held;
    await waiting;
    const idle = await metrics.scrape();
    expect(
      valueOf(idle, 'db_client_connection_count', { db_client_connection_state: 'used' }),
    ).toBe(0);
    expect(
      valueOf(idle, 'db_client_connection_count', { db_client_connection_state: 'idle' }),
    ).toBe(1);
    expect(valueOf(idle, 'db_client_connection_pending_requests')).toBe(0);
    await db.destroy();
    const destroyed = await metrics.scrape();
    expect(samples(destroyed, 'db_client_connection_count')).toEqual([]);
  });
});
