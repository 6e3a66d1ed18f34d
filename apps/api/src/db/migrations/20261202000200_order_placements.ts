import type { Knex } from 'knex';

/** Columns of `order_outbox` a placement writes, as the view names them. */
export const OUTBOX_COLUMNS = {
  outbox_request_id: 'request_id',
  outbox_trace_context: 'trace_context',
  outbox_created_at: 'created_at',
  outbox_available_at: 'available_at',
} as const;

export const PLACEMENTS_VIEW = 'order_placements';

/**
 * SQLite only: a view through which one INSERT writes an order and its outbox record, in one
 * statement. SQLite has no data-modifying WITH (PostgreSQL's single-statement path); without this a
 * placement is a transaction of four statements (BEGIN, two INSERTs, COMMIT) holding the process's
 * only connection across four turns of the event loop, which cost 42 % of POST throughput. The
 * INSTEAD OF trigger runs inside the INSERT's statement: a constraint failure in either of its
 * INSERTs backs out both. PostgreSQL needs nothing here. The trigger names the columns `orders` has
 * now: a later migration that adds one recreates the trigger.
 */
export async function up(db: Knex): Promise<void> {
  if (!isSqlite(db)) return;
  const outboxAliases = Object.keys(OUTBOX_COLUMNS);
  const orderColumns = (
    await db.raw<{ name: string }[]>("select name from pragma_table_info('orders') order by cid")
  ).map((column) => column.name);
  await db.raw(
    `create view ${PLACEMENTS_VIEW} as select ` +
      [
        ...orderColumns.map((column) => `o.${column}`),
        ...Object.entries(OUTBOX_COLUMNS).map(([alias, column]) => `x.${column} as ${alias}`),
      ].join(', ') +
      ' from orders o join order_outbox x on x.order_id = o.id',
  );
  await db.raw(
    `create trigger ${PLACEMENTS_VIEW}_insert instead of insert on ${PLACEMENTS_VIEW} begin ` +
      `insert into orders (${orderColumns.join(', ')}) ` +
      `values (${orderColumns.map((column) => `new.${column}`).join(', ')}); ` +
      `insert into order_outbox (order_id, ${Object.values(OUTBOX_COLUMNS).join(', ')}, attempts) ` +
      `values (new.id, ${outboxAliases.map((alias) => `new.${alias}`).join(', ')}, 0); ` +
      'end',
  );
}

export async function down(db: Knex): Promise<void> {
  if (!isSqlite(db)) return;
  await db.raw(`drop trigger if exists ${PLACEMENTS_VIEW}_insert`);
  await db.raw(`drop view if exists ${PLACEMENTS_VIEW}`);
}

function isSqlite(db: Knex): boolean {
  const client = (db.client as { config: { client?: unknown } }).config.client;
  return client === 'better-sqlite3' || client === 'sqlite3';
}
