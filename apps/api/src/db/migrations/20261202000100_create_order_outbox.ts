import type { Knex } from 'knex';

/**
 * The transactional outbox: one row per order whose confirmation job still has to be published (or
 * watched), written in the same transaction as the order. Times are epoch milliseconds (bigint), so
 * the relay's "due" comparison is the same integer comparison on SQLite and PostgreSQL.
 *
 * Orders gain the terminal `failed` status and its reason (written by the worker when an order can
 * never be confirmed, e.g. its items are invalid). Orders still pending when this migration runs get
 * an outbox row, so the relay watches them too.
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('order_outbox', (table) => {
    table.string('order_id', 36).primary().references('id').inTable('orders').onDelete('CASCADE');
    table.string('request_id', 128).nullable();
    table.text('trace_context').nullable();
    table.bigInteger('created_at').notNullable();
    /** Not claimable before this time: a lease while someone publishes, then the next check. */
    table.bigInteger('available_at').notNullable();
    table.integer('attempts').notNullable().defaultTo(0);
    table.text('last_error').nullable();
    table.index(['available_at'], 'order_outbox_available_at_idx');
  });
  await db.schema.alterTable('orders', (table) => {
    table.text('failure_reason').nullable();
  });
  const now = Date.now();
  const pending = await db('orders').select('id', 'request_id').where({ status: 'pending' });
  for (let i = 0; i < pending.length; i += 500) {
    await db('order_outbox').insert(
      pending.slice(i, i + 500).map((row: { id: string; request_id: string | null }) => ({
        order_id: row.id,
        request_id: row.request_id,
        created_at: now,
        available_at: now,
        attempts: 0,
      })),
    );
  }
}

export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable('orders', (table) => {
    table.dropColumn('failure_reason');
  });
  await db.schema.dropTable('order_outbox');
}
