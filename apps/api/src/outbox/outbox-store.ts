import type { Knex } from 'knex';
import { preparedStatementNames } from '../db/prepared-statement-names.js';
import {
  adoptLegacyRecords,
  OUTBOX_RECORD_COLUMNS as C,
} from '../db/migrations/20261202000300_outbox_in_orders.js';
import type { TraceContext } from '../queue/trace-context.js';

/** What the relay needs to publish an order's confirmation job. */
export interface OutboxRecord {
  readonly orderId: string;
  readonly requestId: string | undefined;
  readonly traceContext: TraceContext | undefined;
  /** How many times a relay has claimed this record (the request's own publish is not counted). */
  readonly attempts: number;
}

/** A claimed record with its order's status, read from the same row. */
export interface ClaimedRecord extends OutboxRecord {
  readonly orderStatus: string;
}

export interface OutboxStats {
  readonly records: number;
  /** Age of the oldest record in ms; 0 when the outbox is empty. */
  readonly oldestAgeMs: number;
}

/** A record to write; the relay publishes with the order's own `request_id`. */
export interface NewOutboxRecord {
  readonly orderId: string;
  readonly traceContext?: TraceContext | undefined;
}

/** An order's row as the relay claims it: its id, status and outbox record. */
interface ClaimedRow {
  id: string;
  status: string;
  request_id: string | null;
  outbox_trace_context: string | null;
  outbox_attempts: number | string;
}

const LAST_ERROR_MAX = 1000;

/**
 * An order's outbox record lives in the order's own row (`outbox_*` columns, see the migration that
 * put it there): the order has a record while `outbox_available_at` is set.
 */
export interface OutboxStore {
  /** Gives an existing order a record inside the caller's transaction, leased for `leaseMs`. */
  track(trx: Knex.Transaction, record: NewOutboxRecord, leaseMs: number): Promise<void>;
  /**
   * Commits the order's row with its record, leased for `leaseMs` to the caller: one INSERT of one
   * row, so both or neither. On PostgreSQL a named prepared statement (parsed and planned once per
   * connection); on SQLite the connection's statement cache does the same.
   */
  place(order: object, record: NewOutboxRecord, leaseMs: number): Promise<void>;
  /**
   * Claims up to `limit` records that are due, leasing them for `leaseMs`: no other relay (in this
   * process or another replica) claims them until the lease ends. Records the previous release wrote
   * to `order_outbox` are moved into their orders first. PostgreSQL skips rows another
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
  const statementNames = preparedStatementNames('order_placement');
  const hasRecord = (query: Knex.QueryBuilder) => query.whereNotNull(C.availableAt);

  function recordColumns(record: NewOutboxRecord, leaseMs: number): Record<string, unknown> {
    // A null due time means "no record": a NaN that SQLite stores as null would lose the order.
    if (!Number.isFinite(leaseMs) || leaseMs < 0)
      throw new RangeError(`outbox lease must be a finite number of ms ≥ 0; got ${leaseMs}`);
    const at = now();
    return {
      [C.createdAt]: at,
      [C.availableAt]: at + leaseMs,
      [C.attempts]: 0,
      [C.lastError]: null,
      [C.traceContext]: record.traceContext ? JSON.stringify(record.traceContext) : null,
    };
  }

  function toRecord(row: ClaimedRow): ClaimedRecord {
    return {
      orderId: row.id,
      requestId: row.request_id ?? undefined,
      traceContext: parseTraceContext(row.outbox_trace_context),
      attempts: Number(row.outbox_attempts),
      orderStatus: row.status,
    };
  }

  return {
    async track(trx, record, leaseMs) {
      await trx('orders').where({ id: record.orderId }).update(recordColumns(record, leaseMs));
    },

    async place(order, record, leaseMs) {
      const placement = db('orders').insert({ ...order, ...recordColumns(record, leaseMs) });
      if (postgres) void placement.options({ name: statementNames.nameOf(placement.toSQL().sql) });
      await placement;
    },

    async claimDue(limit, leaseMs) {
      // Records the previous release's pods still write to `order_outbox` during a rolling deploy.
      await adoptLegacyRecords(db);
      const at = now();
      const due = hasRecord(db('orders').select('id'))
        .where(C.availableAt, '<=', at)
        .orderBy(C.availableAt)
        .limit(limit);
      if (postgres) void due.forUpdate().skipLocked();
      const rows: ClaimedRow[] = await db('orders')
        .whereIn('id', due)
        .update({ [C.availableAt]: at + leaseMs, [C.attempts]: db.raw('?? + 1', [C.attempts]) })
        .returning(['id', 'status', 'request_id', C.traceContext, C.attempts]);
      return rows.map(toRecord);
    },

    async reschedule(orderIds, delayMs, lastError) {
      if (orderIds.length === 0) return;
      await hasRecord(db('orders').whereIn('id', [...orderIds])).update({
        [C.availableAt]: now() + delayMs,
        [C.lastError]: lastError === undefined ? null : lastError.slice(0, LAST_ERROR_MAX),
      });
    },

    async expedite(record) {
      const at = now();
      await db('orders')
        .where({ id: record.orderId })
        .update({
          [C.availableAt]: at,
          [C.createdAt]: db.raw('coalesce(??, ?)', [C.createdAt, at]),
          ...(record.traceContext === undefined
            ? {}
            : {
                [C.traceContext]: db.raw('coalesce(??, ?)', [
                  C.traceContext,
                  JSON.stringify(record.traceContext),
                ]),
              }),
        });
    },

    async remove(orderIds) {
      if (orderIds.length === 0) return;
      await db('orders')
        .whereIn('id', [...orderIds])
        .update({ [C.availableAt]: null, [C.createdAt]: null });
    },

    async stats() {
      const row = (await hasRecord(db('orders'))
        .count({ records: '*' })
        .min({ oldest: C.createdAt })
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
