import type { Knex } from 'knex';
import { createOutboxTable } from './20261202000100_create_order_outbox.js';
import * as orderPlacements from './20261202000200_order_placements.js';

/** The columns of `orders` that hold its outbox record; the order has none while `availableAt` is null. */
export const OUTBOX_RECORD_COLUMNS = {
  createdAt: 'outbox_created_at',
  availableAt: 'outbox_available_at',
  attempts: 'outbox_attempts',
  lastError: 'outbox_last_error',
  traceContext: 'outbox_trace_context',
} as const;

/** Only the orders that have a record, in the order the relay claims them. */
export const OUTBOX_DUE_INDEX = 'orders_outbox_due_idx';

/**
 * The outbox moves into the order's own row. A placement is then one plain INSERT (atomic by
 * itself, on both databases) that writes one row and one more index entry, instead of a second row
 * with two indexes of its own, which was most of what the outbox cost per order. The relay reads the
 * order's status from the row it claims. Records move over as they are; `order_outbox` and the
 * SQLite placements view go.
 */
export async function up(db: Knex): Promise<void> {
  const c = OUTBOX_RECORD_COLUMNS;
  await db.schema.alterTable('orders', (table) => {
    table.bigInteger(c.createdAt).nullable();
    table.bigInteger(c.availableAt).nullable();
    table.integer(c.attempts).notNullable().defaultTo(0);
    table.text(c.lastError).nullable();
    table.text(c.traceContext).nullable();
  });
  await db.raw(
    `create index ${OUTBOX_DUE_INDEX} on orders (${c.availableAt}) where ${c.availableAt} is not null`,
  );
  const moved = (column: string) =>
    `(select x.${column} from order_outbox x where x.order_id = orders.id)`;
  await db.raw(
    `update orders set ${c.createdAt} = ${moved('created_at')}, ` +
      `${c.availableAt} = ${moved('available_at')}, ${c.attempts} = ${moved('attempts')}, ` +
      `${c.lastError} = ${moved('last_error')}, ${c.traceContext} = ${moved('trace_context')} ` +
      'where id in (select order_id from order_outbox)',
  );
  await orderPlacements.down(db);
  await db.schema.dropTable('order_outbox');
}

export async function down(db: Knex): Promise<void> {
  const c = OUTBOX_RECORD_COLUMNS;
  await createOutboxTable(db);
  await db.raw(
    'insert into order_outbox (order_id, request_id, trace_context, created_at, available_at, attempts, last_error) ' +
      `select id, request_id, ${c.traceContext}, ${c.createdAt}, ${c.availableAt}, ${c.attempts}, ${c.lastError} ` +
      `from orders where ${c.availableAt} is not null`,
  );
  await db.raw(`drop index ${OUTBOX_DUE_INDEX}`);
  // ALTER TABLE … DROP COLUMN on both (SQLite ≥ 3.35): knex would rebuild the SQLite table, and
  // dropping the old one cascades, under foreign keys, into the outbox rows just written back.
  for (const column of Object.values(c)) await db.raw(`alter table orders drop column ${column}`);
  await orderPlacements.up(db);
}
