import type { Knex } from 'knex';

export interface TestOrder {
  id: string;
  items?: unknown;
  total_cents?: number;
  status?: string;
}

/** Inserts an order row the way the API writes it (schema from the API's migrations). */
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
    total_cents: order.total_cents ?? 4498,
    created_at: now,
    updated_at: now,
  });
}
