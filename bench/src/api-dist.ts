// The example API's own built modules (apps/api/dist), loaded at run time. The API ships no type
// declarations, so what the bench uses of them is declared here, structurally; its source is never
// imported. Build it first: `pnpm --filter @shipshape/example-api build`.
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { Queue } from 'bullmq';
import type { Express, RequestHandler } from 'express';
import type { Redis } from 'ioredis';

/** apps/api/dist, from bench/dist (and bench/src, for the tests). */
export const API_DIST = new URL('../../apps/api/dist/', import.meta.url);

/** The part of a knex instance the bench calls. */
export interface KnexLike {
  (table: string): QueryLike;
  raw(sql: string): Promise<unknown>;
  destroy(): Promise<void>;
}

export interface QueryLike extends PromiseLike<unknown> {
  insert(row: object): Promise<unknown>;
  select(columns: readonly string[]): QueryLike;
  where(conditions: object): QueryLike;
  whereNotNull(column: string): QueryLike;
  count(columns: Record<string, string>): QueryLike;
  first(): Promise<unknown>;
}

export interface Database {
  readonly kind: 'sqlite' | 'postgres';
  readonly db: KnexLike;
}

export interface TraceContext {
  readonly traceparent: string;
  readonly tracestate?: string;
}

export interface Order {
  readonly id: string;
  readonly status: string;
  readonly customer_email: string;
  readonly items: readonly { quantity: number; unit_price_cents: number }[];
  readonly total_cents: number;
  readonly created_at: string;
  readonly updated_at: string;
  readonly confirmed_at: string | null;
  readonly failure_reason: string | null;
}

export interface CreateOrderRequest {
  readonly order: { readonly customer_email: string; readonly items: Order['items'] };
  readonly idempotencyKey?: string | undefined;
  readonly fingerprint: string;
  readonly requestId?: string | undefined;
  readonly traceContext?: TraceContext | undefined;
}

export type CreateOrderResult = {
  readonly outcome: 'created' | 'replayed' | 'conflict';
  readonly order: Order;
};

export interface OrdersRepository {
  create(request: CreateOrderRequest): Promise<CreateOrderResult>;
  findById(id: string): Promise<Order | undefined>;
  list(request: object): Promise<unknown>;
}

export interface EnqueueContext {
  readonly requestId?: string | undefined;
  readonly traceparent?: string | undefined;
  readonly tracestate?: string | undefined;
}

export interface OutboxRecord {
  readonly orderId: string;
  readonly requestId: string | undefined;
  readonly traceContext: TraceContext | undefined;
}

export interface OutboxStore {
  expedite(record: { orderId: string; traceContext?: TraceContext | undefined }): Promise<void>;
  stats(): Promise<{ records: number; oldestAgeMs: number }>;
}

export interface ConfirmOrderJobData {
  readonly order_id: string;
  readonly request_id?: string;
  readonly trace_context?: TraceContext;
}

export interface OrderQueue {
  readonly queue: Queue;
  enqueueConfirmation(data: ConfirmOrderJobData): Promise<void>;
  ensureConfirmation(data: ConfirmOrderJobData): Promise<string>;
  close(): Promise<void>;
}

/** The API's settings as its own schema resolves them (only the keys the bench reads). */
export interface ApiConfig {
  readonly server: {
    readonly host: string;
    readonly bodyLimit: number;
    readonly requestTimeout: number;
    readonly headersTimeout: number;
    readonly keepAliveTimeout: number;
  };
  readonly log: { readonly level: string; readonly format: 'json' | 'pretty' };
  readonly database: {
    readonly url: string;
    readonly file: string;
    readonly poolMin: number;
    readonly poolMax: number;
    readonly acquireTimeout: number;
    readonly migrateOnStart: 'auto' | 'always' | 'never';
  };
  readonly redis: { readonly url: string };
  readonly queue: {
    readonly prefix: string;
    readonly jobAttempts: number;
    readonly jobBackoff: number;
    readonly completedRetention: number;
    readonly completedKeep: number;
    readonly failedRetention: number;
    readonly failedKeep: number;
    readonly enqueueTimeout: number;
  };
  readonly outbox: {
    readonly pollInterval: number;
    readonly publishLease: number;
    readonly recheckInterval: number;
    readonly batchSize: number;
  };
  readonly build: { readonly commit: string };
}

/** What each module of apps/api/dist that the bench loads exports (the parts it uses). */
export interface ApiModules {
  'config.js': { schema: object; rules: readonly object[] };
  'errors.js': { withDatabase: <T>(what: string, run: () => Promise<T>) => Promise<T> };
  'db/connection.js': {
    createDatabase: (options: {
      url?: string;
      file?: string;
      poolMin?: number;
      poolMax?: number;
      acquireTimeoutMs?: number;
    }) => Database;
  };
  'db/migrate.js': {
    migrateToLatest: (db: KnexLike) => Promise<{ applied: readonly string[] }>;
  };
  'http/app.js': {
    createApp: (options: {
      logger: object;
      repository: OrdersRepository;
      shutdownSignal: AbortSignal;
      bodyLimitBytes: number;
      middleware: readonly RequestHandler[];
      enqueueConfirmation: (order: Order, context: EnqueueContext) => Promise<void>;
      expediteConfirmation: (order: Order, context: EnqueueContext) => Promise<void>;
    }) => Express;
  };
  'http/server.js': {
    createHttpServer: (
      listener: Express,
      timeouts: { requestTimeoutMs: number; headersTimeoutMs: number; keepAliveTimeoutMs: number },
    ) => Server;
    listen: (server: Server, port: number, host: string, variable: string) => Promise<number>;
  };
  'orders/ids.js': { createIdGenerator: () => () => string };
  'orders/validation.js': { orderTotalCents: (items: Order['items']) => number };
  'orders/repository.js': {
    createOrdersRepository: (
      db: KnexLike,
      options: { outbox: OutboxStore; publishLeaseMs: number },
    ) => OrdersRepository;
  };
  'outbox/outbox-store.js': { createOutboxStore: (db: KnexLike) => OutboxStore };
  'outbox/outbox-metrics.js': { outboxMetrics: (registry: object) => object };
  'outbox/relay.js': {
    createOutboxRelay: (options: {
      store: OutboxStore;
      publish: (record: OutboxRecord) => Promise<string>;
      logger: object;
      pollIntervalMs: number;
      leaseMs: number;
      recheckIntervalMs: number;
      batchSize: number;
      observer?: object;
    }) => { start: () => void; stop: () => Promise<void> };
  };
  'package-info.js': { readPackageInfo: () => { name: string; version: string } };
  'queue/order-queue.js': {
    QUEUE_NAME: string;
    createOrderQueue: (options: {
      connection: Redis;
      prefix: string;
      attempts: number;
      backoffMs: number;
      removeOnComplete: { age: number; count: number };
      removeOnFail: { age: number; count: number };
      enqueueTimeoutMs: number;
    }) => OrderQueue;
  };
  'queue/trace-context.js': {
    traceContextFor: (incoming?: EnqueueContext) => TraceContext | undefined;
    inTraceOf: <T>(traceContext: TraceContext | undefined, fn: () => T) => T;
    inProducerSpan: <T>(queueName: string, jobId: string, fn: () => Promise<T>) => Promise<T>;
  };
  'redis.js': {
    createRedis: (url: string, logger: object) => Redis;
    waitUntilReady: (redis: Redis, timeoutMs: number) => Promise<void>;
  };
}

/** Loads one built module of the API; a missing build is said plainly, with the command that makes it. */
export async function apiModule<M extends keyof ApiModules>(path: M): Promise<ApiModules[M]> {
  const url = new URL(path, API_DIST);
  if (!existsSync(url)) {
    throw new Error(
      `the example API is not built (${fileURLToPath(url)} is missing): run pnpm --filter @shipshape/example-api build`,
    );
  }
  return (await import(url.href)) as ApiModules[M];
}
