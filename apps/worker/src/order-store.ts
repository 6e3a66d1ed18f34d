import type { Knex } from 'knex';

/** The columns of `orders` the worker reads (schema owned by the API's migrations). */
export interface OrderRow {
  id: string;
  status: string;
  customer_email: string | null;
  items: unknown;
  total_cents: number | null;
}

export interface ConfirmationInput {
  orderId: string;
  jobId: string;
  attempt: number;
  totalCents: number;
  confirmedAt: Date;
}

/** `confirmed`: this call wrote the confirmation. `duplicate`: a previous delivery already had. */
export type ConfirmOutcome = 'confirmed' | 'duplicate';

export class OrderNotFoundError extends Error {
  readonly code = 'ORDER_NOT_FOUND';
  constructor(orderId: string) {
    super(
      `order ${orderId} does not exist in table orders. The job will be retried (the API writes the order ` +
        'before it enqueues); if it keeps failing, the worker and the API are pointed at different databases ' +
        '(check DATABASE_URL / DATABASE_FILE on both).',
    );
    this.name = 'OrderNotFoundError';
  }
}

export async function loadOrder(db: Knex, orderId: string): Promise<OrderRow | undefined> {
  const row: OrderRow | undefined = await db<OrderRow>('orders')
    .select('id', 'status', 'customer_email', 'items', 'total_cents')
    .where({ id: orderId })
    .first();
  return row;
}

/**
 * Records the confirmation and flips the order to `confirmed` in ONE transaction. The primary key of
 * `order_confirmations` makes a second delivery of the same job a no-op: its insert conflicts, nothing
 * else is written, and the caller learns it was a duplicate.
 */
export async function confirmOrder(db: Knex, input: ConfirmationInput): Promise<ConfirmOutcome> {
  const confirmedAt = input.confirmedAt.toISOString();
  return db.transaction(async (trx) => {
    const inserted: unknown[] = await trx('order_confirmations')
      .insert({
        order_id: input.orderId,
        job_id: input.jobId,
        attempt: input.attempt,
        confirmed_at: confirmedAt,
      })
      .onConflict('order_id')
      .ignore()
      .returning('order_id');
    if (inserted.length === 0) return 'duplicate';
    await trx('orders').where({ id: input.orderId }).update({
      status: 'confirmed',
      total_cents: input.totalCents,
      confirmed_at: confirmedAt,
      updated_at: confirmedAt,
    });
    return 'confirmed';
  });
}

/**
 * Ends a pending order in the terminal `failed` state with the reason, for a job that can never
 * succeed. Resolves `false` when the order was not pending (already confirmed or failed).
 */
export async function failOrder(
  db: Knex,
  input: { orderId: string; reason: string; failedAt: Date },
): Promise<boolean> {
  const updated = await db('orders')
    .where({ id: input.orderId, status: 'pending' })
    .update({
      status: 'failed',
      failure_reason: input.reason.slice(0, 1000),
      updated_at: input.failedAt.toISOString(),
    });
  return updated > 0;
}
