import type { Knex } from 'knex';

/**
 * The orders schema shared with apps/worker. Times are ISO-8601 strings on SQLite and
 * timestamptz on PostgreSQL; the primary key of order_confirmations is what makes a duplicate
 * job delivery a no-op (one confirmation row per order).
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('orders', (table) => {
    table.string('id', 36).primary();
    table.string('status', 16).notNullable();
    table.string('customer_email', 320).notNullable();
    table.text('items').notNullable();
    table.integer('total_cents').notNullable();
    table.string('idempotency_key', 255).nullable().unique();
    table.string('request_fingerprint', 64).nullable();
    table.string('request_id', 128).nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.timestamp('confirmed_at', { useTz: true }).nullable();
    // Keyset pagination filtered by status walks this index.
    table.index(['status', 'id'], 'orders_status_id_idx');
  });
  await db.schema.createTable('order_confirmations', (table) => {
    table.string('order_id', 36).primary().references('id').inTable('orders');
    table.string('job_id', 255).notNullable();
    table.integer('attempt').notNullable();
    table.timestamp('confirmed_at', { useTz: true }).notNullable();
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('order_confirmations');
  await db.schema.dropTable('orders');
}
