// The orders repository's `create` as it was before the transactional outbox
// (`git show 1de6bcd:apps/api/src/orders/repository.ts`), for the orders case's `direct-enqueue`
// contender: the order row alone, no transaction, no outbox row. Everything else it needs comes from
// the API's built modules, so only the write differs from today's repository.
import type {
  ApiModules,
  CreateOrderRequest,
  CreateOrderResult,
  KnexLike,
  Order,
} from './api-dist.js';

/** The API's own helpers the old `create` used. */
export interface DirectCreateParts {
  readonly withDatabase: ApiModules['errors.js']['withDatabase'];
  readonly nextId: () => string;
  readonly orderTotalCents: ApiModules['orders/validation.js']['orderTotalCents'];
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
] as const;

/**
 * `create` as it was before the outbox (`git show 1de6bcd:apps/api/src/orders/repository.ts`):
 * the order row alone, no transaction, no outbox row. The rest of the repository is today's.
 */
export function directCreate(
  knex: KnexLike,
  api: DirectCreateParts,
): (request: CreateOrderRequest) => Promise<CreateOrderResult> {
  const { withDatabase, nextId, orderTotalCents } = api;
  async function findByKey(key: string): Promise<OrderRow | undefined> {
    return withDatabase(
      'reading an order by idempotency key',
      async () =>
        (await knex('orders').select(COLUMNS).where({ idempotency_key: key }).first()) as
          OrderRow | undefined,
    );
  }
  function replayOrConflict(row: OrderRow, fingerprint: string): CreateOrderResult {
    const order = toOrder(row);
    return row.request_fingerprint === fingerprint
      ? { outcome: 'replayed', order }
      : { outcome: 'conflict', order };
  }
  return async ({ order, idempotencyKey, fingerprint, requestId }) => {
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
    };
    try {
      await withDatabase('inserting an order', () => knex('orders').insert(row));
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      const unique =
        code === '23505' ||
        code === 'SQLITE_CONSTRAINT_UNIQUE' ||
        code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
      if (idempotencyKey !== undefined && unique) {
        const winner = await findByKey(idempotencyKey);
        if (winner) return replayOrConflict(winner, fingerprint);
      }
      throw error;
    }
    return { outcome: 'created', order: toOrder(row) };
  };
}

/** The row as the API answers it; today's shape (with `failure_reason`), so both send the same bytes. */
function toOrder(row: OrderRow): Order {
  return {
    id: row.id,
    status: row.status === 'confirmed' || row.status === 'failed' ? row.status : 'pending',
    customer_email: row.customer_email,
    items: JSON.parse(row.items) as Order['items'],
    total_cents: Number(row.total_cents),
    created_at: toIso(row.created_at),
    updated_at: toIso(row.updated_at),
    confirmed_at: row.confirmed_at === null ? null : toIso(row.confirmed_at),
    failure_reason: null,
  };
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
