export { knexCheck } from './knex.js';
export { redisCheck } from './redis.js';
export { bullmqWorkerCheck } from './bullmq.js';
export { eventLoopDelayCheck } from './event-loop.js';
export { heapCheck } from './heap.js';

export type { KnexCheckTarget } from './knex.js';
export type { RedisCheckTarget } from './redis.js';
export type { BullmqWorkerCheckTarget } from './bullmq.js';
export type { EventLoopDelayCheckOptions } from './event-loop.js';
export type { HeapCheckOptions } from './heap.js';
// What every check returns, so this entry point describes itself.
export type { CheckContext, CheckValue, HealthCheck } from '../types.js';
