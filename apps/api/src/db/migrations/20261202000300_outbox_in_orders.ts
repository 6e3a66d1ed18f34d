import type { Knex } from 'knex';

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
 * order's status from the row it claims.
 *
 * An expand step: `order_outbox` (and SQLite's placements view) stay, because the previous release's
 * pods keep placing orders there during a rolling deploy; the records they write are moved into
 * their orders by every relay poll (`adoptLegacyRecords`), and existing ones by this migration. A
 * later release drops the table, the view and the adoption.
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
  await adoptLegacyRecords(db);
}

/**
 * Moves every record in `order_outbox` (written by the previous release) into its order's row and
 * deletes it there, atomically: a record is in exactly one of the two places at any time.
 */
export async function adoptLegacyRecords(db: Knex): Promise<void> {
  const c = OUTBOX_RECORD_COLUMNS;
  const copy =
    `${c.createdAt} = x.created_at, ${c.availableAt} = x.available_at, ` +
    `${c.attempts} = x.attempts, ${c.lastError} = x.last_error, ${c.traceContext} = x.trace_context`;
  if ((db.client as { config: { client?: unknown } }).config.client === 'pg') {
    await db.raw(
      `with x as (delete from order_outbox returning *) update orders set ${copy} from x where orders.id = x.order_id`,
    );
    return;
  }
  // Nearly always empty: look before opening a transaction on the one connection.
  if ((await db('order_outbox').first('order_id')) === undefined) return;
  // SQLite has one writer: the transaction is atomic against every other connection.
  await db.transaction(async (trx) => {
    await trx.raw(`update orders set ${copy} from order_outbox x where orders.id = x.order_id`);
    await trx('order_outbox').delete();
  });
}

export async function down(db: Knex): Promise<void> {
  const c = OUTBOX_RECORD_COLUMNS;
  await db.raw(
    'insert into order_outbox (order_id, request_id, trace_context, created_at, available_at, attempts, last_error) ' +
      `select id, request_id, ${c.traceContext}, ${c.createdAt}, ${c.availableAt}, ${c.attempts}, ${c.lastError} ` +
      `from orders where ${c.availableAt} is not null`,
  );
  await db.raw(`drop index ${OUTBOX_DUE_INDEX}`);
  // ALTER TABLE … DROP COLUMN on both (SQLite ≥ 3.35): knex would rebuild the SQLite table, and
  // dropping the old one cascades, under foreign keys, into the outbox rows just written back.
  for (const column of Object.values(c)) await db.raw(`alter table orders drop column ${column}`);
}
