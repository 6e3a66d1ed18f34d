import type { Knex } from 'knex';
import { createDatabase } from '../../src/db/connection.js';

/** A knex handle on the app's database, for assertions and for playing the worker. */
export function openDatabase(env: Readonly<Record<string, string>>): Knex {
  return createDatabase({
    url: env['DATABASE_URL'] ?? '',
    file: env['DATABASE_FILE'] ?? '',
    poolMax: 2,
  }).db;
}

/** What the worker does: one confirmation row and the status flip, in one transaction. */
export async function confirmOrder(db: Knex, id: string): Promise<void> {
  const now = new Date().toISOString();
  await db.transaction(async (trx) => {
    await trx('order_confirmations').insert({
      order_id: id,
      job_id: id,
      attempt: 1,
      confirmed_at: now,
    });
    await trx('orders')
      .where({ id })
      .update({ status: 'confirmed', confirmed_at: now, updated_at: now });
  });
}

export async function countOrders(db: Knex): Promise<number> {
  const row = (await db('orders').count({ n: '*' }).first()) as { n: number | string } | undefined;
  return Number(row?.n ?? 0);
}
