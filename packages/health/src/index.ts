export { createHealth } from './health.js';
export { HealthError } from './errors.js';
export { DEFAULTS } from './options.js';
export { knexCheck } from './checks/knex.js';
export { redisCheck } from './checks/redis.js';
export { bullmqWorkerCheck } from './checks/bullmq.js';
export { eventLoopDelayCheck } from './checks/event-loop.js';
export { heapCheck } from './checks/heap.js';

export type { Health, CheckListener } from './health.js';
export type { HealthErrorCode } from './errors.js';
export type { HealthOptions, ResolvedHealthOptions, VerbosePolicy } from './options.js';
export type { Registry } from './registry.js';
export type { HealthHandler } from './handler.js';
export type {
  CheckContext,
  CheckEvent,
  CheckOptions,
  CheckResult,
  CheckValue,
  HealthCheck,
  HealthCheckEntry,
  HealthResponse,
  HealthStatus,
  LoggerLike,
  ProbeName,
  RunTarget,
} from './types.js';
export type { KnexLike } from './checks/knex.js';
export type { RedisLike } from './checks/redis.js';
export type { BullmqWorkerLike } from './checks/bullmq.js';
export type { EventLoopDelayCheckOptions } from './checks/event-loop.js';
export type { HeapCheckOptions } from './checks/heap.js';
