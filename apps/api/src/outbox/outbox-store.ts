import type { Knex } from 'knex';
import { preparedStatementNames } from '../db/prepared-statement-names.js';
import {
  OUTBOX_COLUMNS,
  PLACEMENTS_VIEW,
} from '../db/migrations/20261202000200_order_placements.js';
import type { TraceContext } from '../queue/trace-context.js';

/** What the relay needs to publish an order's confirmation job. */
export interface OutboxRecord {
  readonly orderId: string;
  readonly requestId: string | undefined;
  readonly traceContext: TraceContext | undefined;
  /** How many times a relay has claimed this record (the request's own publish is not counted). */
  readonly attempts: number;
}

/** A claimed record with its order's status, read in the same round trip batch. */
export interface ClaimedRecord extends OutboxRecord {
  /** `undefined` when the order no longer exists. */
  readonly orderStatus: string | undefined;
}

export interface OutboxStats {
  readonly records: number;
  /** Age of the oldest record in ms; 0 when the outbox is empty. */
  readonly oldestAgeMs: number;
}

export interface NewOutboxRecord {
  readonly orderId: string;
  readonly requestId?: string | undefined;
  readonly traceContext?: TraceContext | undefined;
}

interface OutboxRow {
  order_id: string;
  request_id: string | null;
  trace_context: string | null;
  created_at: number | string;
  available_at: number | string;
  attempts: number | string;
  last_error: string | null;
}

const TABLE = 'order_outbox';
const LAST_ERROR_MAX = 1000;

export interface OutboxStore {
  /** Writes the record inside the caller's transaction, leased for `leaseMs` to the caller. */
  insert(trx: Knex.Transaction, record: NewOutboxRecord, leaseMs: number): Promise<void>;
  /**
   * Commits the order's row and its record, leased for `leaseMs` to the caller, in one statement
   * (one round trip instead of BEGIN, two INSERTs and COMMIT): on PostgreSQL a data-modifying
   * `WITH`, on SQLite an INSERT into the `order_placements` view, whose trigger writes both. Both
   * rows are written or neither.
   */
  place(order: object, record: NewOutboxRecord, leaseMs: number): Promise<void>;
  /**
   * Claims up to `limit` records that are due, leasing them for `leaseMs`: no other relay (in this
   * process or another replica) claims them until the lease ends. PostgreSQL skips rows another
   * transaction holds (`FOR UPDATE SKIP LOCKED`); SQLite has one writer, so its UPDATE is atomic.
   */
  claimDue(limit: number, leaseMs: number): Promise<ClaimedRecord[]>;
  /** The next check of these records, `delayMs` from now (the watch on a published job). */
  reschedule(orderIds: readonly string[], delayMs: number, lastError?: string): Promise<void>;
  /** Makes a record due now, creating it when the order has none (a retry asks for a repair). */
  expedite(record: NewOutboxRecord): Promise<void>;
  remove(orderIds: readonly string[]): Promise<void>;
  stats(): Promise<OutboxStats>;
}

export function createOutboxStore(db: Knex, now: () => number = Date.now): OutboxStore {
  const postgres = (db.client as { config: { client?: unknown } }).config.client === 'pg';

  function toRecord(row: OutboxRow, orderStatus: string | undefined): ClaimedRecord {
    return {
      orderId: row.order_id,
      requestId: row.request_id ?? undefined,
      traceContext: parseTraceContext(row.trace_context),
      attempts: Number(row.attempts),
      orderStatus,
    };
  }

  function newRow(record: NewOutboxRecord, leaseMs: number): Omit<OutboxRow, 'last_error'> {
    const at = now();
    return {
      order_id: record.orderId,
      request_id: record.requestId ?? null,
      trace_context: record.traceContext ? JSON.stringify(record.traceContext) : null,
      created_at: at,
      available_at: at + leaseMs,
      attempts: 0,
    };
  }

  const statementNames = preparedStatementNames('order_placement');

  return {
    async insert(trx, record, leaseMs) {
      await trx(TABLE).insert(newRow(record, leaseMs));
    },

    async place(order, record, leaseMs) {
      const row = newRow(record, leaseMs);
      if (postgres) {
        // The record is selected from the CTE, so it exists only if the order's row was written.
        const first = db('orders').insert(order).toSQL();
        const columns = Object.keys(row);
        const placement = db.raw(
          `with placed as (${first.sql} returning 1) insert into ?? (${columns.map(() => '??').join(', ')}) ` +
            `select ${columns.map(() => '?').join(', ')} from placed`,
          [...first.bindings, TABLE, ...columns, ...Object.values(row)],
        );
        await placement.options({ name: statementNames.nameOf(placement.toSQL().sql) });
        return;
      }
      const outboxFields = Object.entries(OUTBOX_COLUMNS).map(([alias, column]) => [
        alias,
        row[column],
      ]);
      await db(PLACEMENTS_VIEW).insert({ ...order, ...Object.fromEntries(outboxFields) });
    },

    async claimDue(limit, leaseMs) {
      const at = now();
      const due = db(TABLE)
        .select('order_id')
        .where('available_at', '<=', at)
        .orderBy('available_at')
        .limit(limit);
      if (postgres) void due.forUpdate().skipLocked();
      const rows: OutboxRow[] = await db<OutboxRow>(TABLE)
        .whereIn('order_id', due)
        .update({ available_at: at + leaseMs, attempts: db.raw('attempts + 1') })
        .returning([
          'order_id',
          'request_id',
          'trace_context',
          'created_at',
          'available_at',
          'attempts',
          'last_error',
        ]);
      if (rows.length === 0) return [];
      const orders = (await db('orders')
        .select('id', 'status')
        .whereIn(
          'id',
          rows.map((row) => row.order_id),
        )) as { id: string; status: string }[];
      const statusById = new Map(orders.map((order) => [order.id, order.status]));
      return rows.map((row) => toRecord(row, statusById.get(row.order_id)));
    },

    async reschedule(orderIds, delayMs, lastError) {
      if (orderIds.length === 0) return;
      await db(TABLE)
        .whereIn('order_id', [...orderIds])
        .update({
          available_at: now() + delayMs,
          last_error: lastError === undefined ? null : lastError.slice(0, LAST_ERROR_MAX),
        });
    },

    async expedite(record) {
      const at = now();
      await db(TABLE)
        .insert({
          order_id: record.orderId,
          request_id: record.requestId ?? null,
          trace_context: record.traceContext ? JSON.stringify(record.traceContext) : null,
          created_at: at,
          available_at: at,
          attempts: 0,
        })
        .onConflict('order_id')
        .merge({ available_at: at });
    },

    async remove(orderIds) {
      if (orderIds.length === 0) return;
      await db(TABLE)
        .whereIn('order_id', [...orderIds])
        .delete();
    },

    async stats() {
      const row = (await db(TABLE)
        .count({ records: '*' })
        .min({ oldest: 'created_at' })
        .first()) as { records: number | string; oldest: number | string | null } | undefined;
      const records = Number(row?.records ?? 0);
      const oldest =
        row?.oldest === null || row?.oldest === undefined ? undefined : Number(row.oldest);
      return { records, oldestAgeMs: oldest === undefined ? 0 : Math.max(0, now() - oldest) };
    },
  };
}

function parseTraceContext(text: string | null): TraceContext | undefined {
  if (text === null) return undefined;
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value === 'object' && value !== null && 'traceparent' in value)
      return value as TraceContext;
  } catch {
    // A broken trace context must never stop a publish: the work matters, the trace is a bonus.
  }
  return undefined;
}
