import { UnrecoverableError } from 'bullmq';
import { z } from 'zod';

const lineItemSchema = z.object({
  sku: z.string().min(1),
  quantity: z.number().int().positive(),
  unit_price_cents: z.number().int().nonnegative(),
});
const itemsSchema = z.array(lineItemSchema).min(1);

export type LineItem = z.infer<typeof lineItemSchema>;

/** The stored order can never be confirmed as it is: unrecoverable, so BullMQ does not retry it. */
export class InvalidOrderItemsError extends UnrecoverableError {
  readonly code = 'ORDER_ITEMS_INVALID';
  constructor(orderId: string, detail: string) {
    super(
      `order ${orderId} has unreadable items (${detail}); the row in table orders was not written by the API ` +
        'or was edited by hand. The order is marked failed with this reason; the job is not retried.',
    );
    this.name = 'InvalidOrderItemsError';
  }
}

/** Parses the `orders.items` column (JSON text in SQLite and PostgreSQL, or an already-decoded array). */
export function parseLineItems(orderId: string, raw: unknown): LineItem[] {
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      throw new InvalidOrderItemsError(orderId, 'items is not valid JSON');
    }
  }
  const result = itemsSchema.safeParse(value);
  if (!result.success) {
    throw new InvalidOrderItemsError(
      orderId,
      result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    );
  }
  return result.data;
}

/** Sum of quantity × unit price, in integer cents (no floating point on money). */
export function computeTotalCents(items: readonly LineItem[]): number {
  return items.reduce((sum, item) => sum + item.quantity * item.unit_price_cents, 0);
}
