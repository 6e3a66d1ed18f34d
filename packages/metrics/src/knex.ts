import type { GuardedGauge, GuardedHistogram, InstrumentFactory } from './instruments.js';
import { detach } from './types.js';
import type { EventSourceLike, Teardown } from './types.js';

/** tarn.js pool, as knex keeps it in `knex.client.pool`. */
export interface TarnPoolLike {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
  max: number;
}

/** A knex instance, duck-typed: query events and the client's pool. */
export interface KnexLike extends EventSourceLike {
  client: { pool?: TarnPoolLike | null | undefined };
}

interface QueryData {
  __knexQueryUid?: string;
  method?: string;
  sql?: string;
}

const METHOD_NAMES: Readonly<Record<string, string>> = {
  select: 'select',
  first: 'select',
  pluck: 'select',
  insert: 'insert',
  update: 'update',
  counter: 'update',
  del: 'delete',
  delete: 'delete',
  truncate: 'truncate',
  upsert: 'upsert',
};
const SQL_KEYWORDS = new Set([
  'select',
  'insert',
  'update',
  'delete',
  'with',
  'begin',
  'commit',
  'rollback',
  'savepoint',
  'release',
  'create',
  'alter',
  'drop',
  'truncate',
  'pragma',
  'set',
  'show',
  'explain',
  'lock',
  'copy',
  'vacuum',
  'analyze',
]);
const MAX_IN_FLIGHT = 10_000;

/** `db_operation_name` for a knex query: the builder method, else the SQL's first keyword. */
export function operationName(query: QueryData): string {
  const method = query.method === undefined ? undefined : METHOD_NAMES[query.method];
  if (method !== undefined) return method;
  const keyword = /^\s*([a-z]+)/i.exec(query.sql ?? '')?.[1]?.toLowerCase();
  if (keyword === undefined) return 'other';
  if (keyword === 'start') return 'begin';
  return SQL_KEYWORDS.has(keyword) ? keyword : 'other';
}

/** Knex operation durations from query events and pool gauges read at scrape time. */
export class KnexCollector {
  readonly #pools = new Set<KnexLike>();
  readonly #duration: GuardedHistogram;
  readonly #connections: GuardedGauge;
  readonly #pending: GuardedGauge;
  readonly #max: GuardedGauge;

  constructor(factory: InstrumentFactory) {
    this.#duration = factory.histogram({
      name: 'db_client_operation_duration_seconds',
      help: 'Duration of database client operations (knex queries), by operation and outcome.',
      labelNames: ['db_operation_name', 'outcome'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    });
    this.#connections = factory.gauge({
      name: 'db_client_connection_count',
      help: 'Connections in the knex pool by state (used, idle), summed over instrumented knex instances.',
      labelNames: ['db_client_connection_state'],
      collect: () => {
        this.#readPools();
      },
    });
    this.#pending = factory.gauge({
      name: 'db_client_connection_pending_requests',
      help: 'Callers waiting for a connection from the knex pool.',
    });
    this.#max = factory.gauge({
      name: 'db_client_connection_max',
      help: 'Largest number of connections the knex pool allows.',
    });
  }

  instrument(db: KnexLike): Teardown {
    const started = new Map<string, number>();
    const onQuery = (query: QueryData): void => {
      const uid = query.__knexQueryUid;
      if (uid === undefined) return;
      if (started.size >= MAX_IN_FLIGHT) {
        const oldest = started.keys().next().value;
        if (oldest !== undefined) started.delete(oldest);
      }
      started.set(uid, performance.now());
    };
    const finish = (query: QueryData | undefined, outcome: 'success' | 'error'): void => {
      const uid = query?.__knexQueryUid;
      if (query === undefined || uid === undefined) return;
      const start = started.get(uid);
      if (start === undefined) return;
      started.delete(uid);
      this.#duration.observe(
        { db_operation_name: operationName(query), outcome },
        (performance.now() - start) / 1000,
      );
    };
    const onResponse = (_response: unknown, query: QueryData): void => {
      finish(query, 'success');
    };
    const onError = (_error: unknown, query: QueryData): void => {
      finish(query, 'error');
    };
    db.on('query', onQuery);
    db.on('query-response', onResponse);
    db.on('query-error', onError);
    this.#pools.add(db);
    return () => {
      detach(db, 'query', onQuery);
      detach(db, 'query-response', onResponse);
      detach(db, 'query-error', onError);
      this.#pools.delete(db);
      started.clear();
    };
  }

  /** Reads every live pool; when none is readable the gauges are emptied rather than left stale. */
  #readPools(): void {
    let used = 0;
    let idle = 0;
    let pending = 0;
    let max = 0;
    let readable = 0;
    for (const db of this.#pools) {
      const pool = db.client.pool;
      if (pool === null || pool === undefined || typeof pool.numUsed !== 'function') continue;
      used += pool.numUsed();
      idle += pool.numFree();
      pending += pool.numPendingAcquires();
      max += pool.max;
      readable++;
    }
    if (readable === 0) {
      this.#connections.reset();
      this.#pending.reset();
      this.#max.reset();
      return;
    }
    this.#connections.set({ db_client_connection_state: 'used' }, used);
    this.#connections.set({ db_client_connection_state: 'idle' }, idle);
    this.#pending.set(pending);
    this.#max.set(max);
  }
}
