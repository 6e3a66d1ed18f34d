export type OrderStatus = 'pending' | 'confirmed';

export interface OrderItem {
  readonly sku: string;
  readonly quantity: number;
  readonly unit_price_cents: number;
}

/** The order resource as the API returns it (snake_case, like the log fields). */
export interface Order {
  readonly id: string;
  readonly status: OrderStatus;
  readonly customer_email: string;
  readonly items: readonly OrderItem[];
  readonly total_cents: number;
  readonly created_at: string;
  readonly updated_at: string;
  readonly confirmed_at: string | null;
}

export interface NewOrder {
  readonly customer_email: string;
  readonly items: readonly OrderItem[];
}
