import type { Knex } from 'knex';
import { withDatabase } from '../errors.js';
import type { OutboxStore } from '../outbox/outbox-store.js';
import type { TraceContext } from '../queue/trace-context.js';
import { encodeCursor } from './cursor.js';
import { createIdGenerator } from './ids.js';
import { orderTotalCents } from './validation.js';
import type { NewOrder, Order, OrderItem, OrderStatus } from './types.js';

export interface CreateOrderRequest {
  readonly order: NewOrder;
  readonly idempotencyKey?: string | undefined;
  /** Hash of the validated body, compared when the idempotency key is seen again. */
  readonly fingerprint: string;
  readonly requestId?: string | undefined;
  /** Carried into the confirmation job, so the worker joins the request's trace. */
  readonly traceContext?: TraceContext | undefined;
}

export type CreateOrderResult =
  | { readonly outcome: 'created'; readonly order: Order }
  | { readonly outcome: 'replayed'; readonly order: Order }
  | { readonly outcome: 'conflict'; readonly order: Order };

export interface ListOrdersRequest {
  readonly status?: OrderStatus | undefined;
  readonly limit: number;
  /** Only orders older than this id (from the previous page's cursor). */
  readonly beforeId?: string | undefined;
}

export interface OrdersPage {
  readonly orders: readonly Order[];
  readonly nextCursor: string | null;
}

export interface OrdersRepository {
  /**
   * Commits the order and its outbox record in one transaction: once this resolves with `created`,
   * the order's confirmation job will be published, by this request or by the relay.
   */
  create(request: CreateOrderRequest): Promise<CreateOrderResult>;
  findById(id: string): Promise<Order | undefined>;
  list(request: ListOrdersRequest): Promise<OrdersPage>;
}

export interface OrdersRepositoryOptions {
  readonly outbox: OutboxStore;
  /** How long the request that created an order has to publish its job before the relay may. */
  readonly publishLeaseMs: number;
  readonly nextId?: () => string;
}

interface OrderRow {
  id: string;
  status: string;
  customer_email: string;
  items: string;
  total_cents: number | string;
  idempotency_key: string | null;
  request_fingerprint: string | null;
  created_at: string | Date | number;
  updated_at: string | Date | number;
  confirmed_at: string | Date | number | null;
  failure_reason: string | null;
}

const COLUMNS = [
  'id',
  'status',
  'customer_email',
  'items',
  'total_cents',
  'idempotency_key',
  'request_fingerprint',
  'created_at',
  'updated_at',
  'confirmed_at',
  'failure_reason',
] as const;

export function createOrdersRepository(
  db: Knex,
  options: OrdersRepositoryOptions,
): OrdersRepository {
  const { outbox, publishLeaseMs } = options;
  const nextId = options.nextId ?? createIdGenerator();
  const orders = (): Knex.QueryBuilder<OrderRow, OrderRow[]> => db<OrderRow>('orders');

  async function findByKey(key: string): Promise<OrderRow | undefined> {
    return withDatabase(
      'reading an order by idempotency key',
      async () =>
        (await orders().select(COLUMNS).where({ idempotency_key: key }).first()) as
          OrderRow | undefined,
    );
  }

  function replayOrConflict(row: OrderRow, fingerprint: string): CreateOrderResult {
    const order = toOrder(row);
    return row.request_fingerprint === fingerprint
      ? { outcome: 'replayed', order }
      : { outcome: 'conflict', order };
  }

  return {
    async create({ order, idempotencyKey, fingerprint, requestId, traceContext }) {
      if (idempotencyKey !== undefined) {
        const existing = await findByKey(idempotencyKey);
        if (existing) return replayOrConflict(existing, fingerprint);
      }
      const now = new Date().toISOString();
      const row: OrderRow & { request_id: string | null } = {
        id: nextId(),
        status: 'pending',
        customer_email: order.customer_email,
        items: JSON.stringify(order.items),
        total_cents: orderTotalCents(order.items),
        idempotency_key: idempotencyKey ?? null,
        request_fingerprint: idempotencyKey === undefined ? null : fingerprint,
        request_id: requestId ?? null,
        created_at: now,
        updated_at: now,
        confirmed_at: null,
        failure_reason: null,
      };
      try {
        await withDatabase('inserting an order', () =>
          outbox.place(row, { orderId: row.id, traceContext }, publishLeaseMs),
        );
      } catch (error) {
        // Two requests with the same key raced; the other one won. Answer as a retry would.
        if (idempotencyKey !== undefined && isUniqueViolation(error)) {
          const winner = await findByKey(idempotencyKey);
          if (winner) return replayOrConflict(winner, fingerprint);
        }
        throw error;
      }
      return { outcome: 'created', order: toOrder(row) };
    },

    async findById(id) {
      const row = await withDatabase(
        'reading an order',
        async () => (await orders().select(COLUMNS).where({ id }).first()) as OrderRow | undefined,
      );
      return row ? toOrder(row) : undefined;
    },

    async list({ status, limit, beforeId }) {
      const rows = await withDatabase('listing orders', async () => {
        const query = orders()
          .select(COLUMNS)
          .orderBy('id', 'desc')
          .limit(limit + 1);
        if (status !== undefined) void query.where({ status });
        if (beforeId !== undefined) void query.where('id', '<', beforeId);
        return (await query) as unknown as OrderRow[];
      });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        orders: page.map(toOrder),
        nextCursor: rows.length > limit && last ? encodeCursor(last.id) : null,
      };
    },
  };
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    code === '23505' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}

function toOrder(row: OrderRow): Order {
  return {
    id: row.id,
    status: toStatus(row.status),
    customer_email: row.customer_email,
    items: parseItems(row.items),
    total_cents: Number(row.total_cents),
    created_at: toIso(row.created_at),
    updated_at: toIso(row.updated_at),
    confirmed_at: row.confirmed_at === null ? null : toIso(row.confirmed_at),
    failure_reason: row.status === 'failed' ? (row.failure_reason ?? 'unknown') : null,
  };
}

/**
 * Items as stored. A row edited by hand may hold something unreadable: that order is shown (the
 * worker marks it failed, with the reason) with no items rather than failing the request.
 */
function parseItems(text: string): OrderItem[] {
  try {
    const items: unknown = JSON.parse(text);
    return Array.isArray(items) ? (items as OrderItem[]) : [];
  } catch {
    return [];
  }
}

function toStatus(status: string): OrderStatus {
  return status === 'confirmed' || status === 'failed' ? status : 'pending';
}

/** SQLite returns what was written (ISO strings, or `YYYY-MM-DD HH:MM:SS` UTC); pg returns Dates. */
function toIso(value: string | Date | number): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number') return new Date(value).toISOString();
  const sqliteUtc = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?$/.test(value)
    ? `${value.replace(' ', 'T')}Z`
    : value;
  const parsed = new Date(sqliteUtc);
  return Number.isNaN(parsed.getTime()) ? value : parsed.toISOString();
}
