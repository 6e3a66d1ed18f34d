/** `failed` is terminal: the order can never be confirmed (`failure_reason` says why). */
export type OrderStatus = 'pending' | 'confirmed' | 'failed';

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
  /** Why a `failed` order cannot be confirmed; null otherwise. */
  readonly failure_reason: string | null;
}

export interface NewOrder {
  readonly customer_email: string;
  readonly items: readonly OrderItem[];
}
