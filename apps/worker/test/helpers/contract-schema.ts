import type { Knex } from 'knex';

/**
 * The two tables from contracts.md, for processor-level tests that run without the API's migrations.
 * End-to-end tests use the API's own `dist/migrate.js` instead.
 */
export async function createContractTables(db: Knex): Promise<void> {
  await db.schema.createTable('orders', (t) => {
    t.text('id').primary();
    t.text('status').notNullable();
    t.text('customer_email');
    t.text('items');
    t.integer('total_cents');
    t.text('idempotency_key').unique();
    t.text('request_fingerprint');
    t.text('request_id');
    t.text('created_at');
    t.text('updated_at');
    t.text('confirmed_at');
  });
  await db.schema.createTable('order_confirmations', (t) => {
    t.text('order_id').primary().references('id').inTable('orders');
    t.text('job_id');
    t.integer('attempt');
    t.text('confirmed_at');
  });
}

export interface TestOrder {
  id: string;
  items?: unknown;
  total_cents?: number | null;
  status?: string;
}

export async function insertOrder(db: Knex, order: TestOrder): Promise<void> {
  const now = new Date().toISOString();
  await db('orders').insert({
    id: order.id,
    status: order.status ?? 'pending',
    customer_email: 'a@b.co',
    items: JSON.stringify(
      order.items ?? [
        { sku: 'SKU-1', quantity: 2, unit_price_cents: 1999 },
        { sku: 'SKU-2', quantity: 1, unit_price_cents: 500 },
      ],
    ),
    total_cents: order.total_cents === undefined ? 4498 : order.total_cents,
    created_at: now,
    updated_at: now,
  });
}
