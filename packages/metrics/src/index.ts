export { createMetrics } from './create-metrics.js';
export { MetricsError, isMetricsError } from './errors.js';

export type { Metrics } from './create-metrics.js';
export type { MetricsOptions } from './options.js';
export type { MetricsErrorCode } from './errors.js';
export type { HttpMiddleware, HttpMiddlewareOptions } from './http-middleware.js';
export type { MetricsHandler } from './handler.js';
export type { QueueLike } from './bullmq-queue.js';
export type { JobLike, WorkerLike } from './bullmq-worker.js';
export type { KnexLike, TarnPoolLike } from './knex.js';
export type { HealthCheckEvent } from './health-bridge.js';
export type { ShutdownEventLike } from './shutdown-bridge.js';
export type { GuardedCounter, GuardedGauge, GuardedHistogram } from './instruments.js';
export type { HistogramConfig, InstrumentConfig } from './instruments.js';
export type { ExpositionFormat } from './format.js';
export type {
  EventListenerLike,
  EventSourceLike,
  Labels,
  MetricsLogger,
  Teardown,
} from './types.js';
