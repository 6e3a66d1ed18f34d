import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knex, { type Knex } from 'knex';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { missingSchema } from './wait-for-schema.js';

describe('missingSchema', () => {
  let dir: string;
  let db: Knex;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'worker-schema-'));
    db = knex({
      client: 'better-sqlite3',
      connection: { filename: join(dir, 'orders.sqlite') },
      useNullAsDefault: true,
    });
  });
  afterEach(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('names the missing tables, then a missing column of a table that is there, then nothing', async () => {
    expect(await missingSchema(db)).toEqual({
      tables: ['orders', 'order_confirmations'],
      columns: [],
    });
    // The schema of the API's first migration: the tables, not yet the failure reason.
    await db.schema.createTable('orders', (table) => table.string('id').primary());
    await db.schema.createTable('order_confirmations', (table) => table.string('order_id'));
    expect(await missingSchema(db)).toEqual({ tables: [], columns: ['orders.failure_reason'] });
    await db.schema.alterTable('orders', (table) => table.text('failure_reason'));
    expect(await missingSchema(db)).toEqual({ tables: [], columns: [] });
  });
});
