import { z } from 'zod';

/** PostgreSQL `integer` is 32-bit; an order total must fit. */
export const MAX_TOTAL_CENTS = 2_147_483_647;
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;
/** The longest a long poll may wait; the default when `timeout` is absent. */
export const MAX_WAIT_MS = 30_000;
export const DEFAULT_WAIT_MS = 10_000;

const orderItem = z.strictObject({
  // Stored verbatim: no trimming or normalising, so what the client sent is what it reads back.
  sku: z.string().min(1).max(64),
  quantity: z.int().min(1).max(10_000),
  unit_price_cents: z.int().min(0).max(100_000_000),
});

export const createOrderBody = z
  .strictObject({
    customer_email: z.email().max(320),
    items: z.array(orderItem).min(1).max(100),
  })
  .superRefine((body, context) => {
    const total = orderTotalCents(body.items);
    if (total > MAX_TOTAL_CENTS) {
      context.addIssue({
        code: 'custom',
        path: ['items'],
        message: `order total ${total} cents exceeds the maximum of ${MAX_TOTAL_CENTS}`,
      });
    }
  });

export type CreateOrderBody = z.infer<typeof createOrderBody>;

export function orderTotalCents(
  items: readonly { quantity: number; unit_price_cents: number }[],
): number {
  return items.reduce((sum, item) => sum + item.quantity * item.unit_price_cents, 0);
}

export const listOrdersQuery = z.object({
  status: z.enum(['pending', 'confirmed', 'failed']).optional(),
  limit: z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.int().min(1).max(MAX_PAGE_SIZE))
    .optional(),
  cursor: z.string().min(1).max(200).optional(),
});

/** `10s`, `500ms`, or a bare number of seconds. */
const duration = z
  .string()
  .regex(/^\d{1,6}(ms|s)?$/, 'must be a duration such as 10s or 500ms')
  .transform((value) =>
    value.endsWith('ms') ? Number(value.slice(0, -2)) : Number(value.replace(/s$/, '')) * 1000,
  )
  .pipe(
    z
      .int()
      .min(0)
      .max(MAX_WAIT_MS, `must be at most ${MAX_WAIT_MS / 1000}s`),
  );

export const getOrderQuery = z
  .object({
    wait: z.literal('confirmed').optional(),
    timeout: duration.optional(),
  })
  .refine((query) => query.timeout === undefined || query.wait !== undefined, {
    path: ['timeout'],
    error: 'timeout applies only with wait=confirmed',
  });

/** RFC 9110 token-ish: printable ASCII without spaces, 1–255 characters. */
export const idempotencyKey = z
  .string()
  .regex(/^[\x21-\x7e]{1,255}$/, 'must be 1 to 255 printable ASCII characters without spaces');
