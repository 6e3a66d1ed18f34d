import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { DependencyUnavailableError } from '../errors.js';
import type { TraceContext } from './trace-context.js';

export const QUEUE_NAME = 'orders';
export const CONFIRM_JOB_NAME = 'order.confirm';

/** The job payload shared with apps/worker (contracts.md). */
export interface ConfirmOrderJobData {
  readonly order_id: string;
  readonly request_id?: string;
  readonly trace_context?: TraceContext;
}

export interface Retention {
  /** Seconds a finished job is kept. */
  readonly age: number;
  /** Most finished jobs kept. */
  readonly count: number;
}

export interface OrderQueueOptions {
  /** Shared ioredis client: created with enableOfflineQueue false so calls fail fast when Redis is down. */
  readonly connection: Redis;
  readonly prefix?: string;
  readonly attempts?: number;
  /** First retry delay; doubles per attempt (exponential). */
  readonly backoffMs?: number;
  readonly removeOnComplete?: Retention;
  readonly removeOnFail?: Retention;
  /** Longest an enqueue may take before the request gets a 503. */
  readonly enqueueTimeoutMs?: number;
}

export const ORDER_QUEUE_DEFAULTS = {
  prefix: 'bull',
  attempts: 5,
  backoffMs: 1000,
  removeOnComplete: { age: 24 * 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 5000 },
  enqueueTimeoutMs: 2000,
} as const;

export interface OrderQueue {
  readonly queue: Queue<ConfirmOrderJobData>;
  /** Adds `order.confirm` with job id = order id; adding the same order again is a no-op. */
  enqueueConfirmation(data: ConfirmOrderJobData): Promise<void>;
  close(): Promise<void>;
}

export function createOrderQueue(options: OrderQueueOptions): OrderQueue {
  const redis = options.connection;
  const timeoutMs = options.enqueueTimeoutMs ?? ORDER_QUEUE_DEFAULTS.enqueueTimeoutMs;
  const queue = new Queue<ConfirmOrderJobData>(QUEUE_NAME, {
    connection: redis,
    prefix: options.prefix ?? ORDER_QUEUE_DEFAULTS.prefix,
    // Not skipWaitingForReady: BullMQ's one-time set-up (INFO, scripts) must wait for the first
    // connection, or it fails against the offline client and every later add fails with it. The
    // fast failure for callers comes from the status check in enqueueConfirmation instead.
    defaultJobOptions: {
      attempts: options.attempts ?? ORDER_QUEUE_DEFAULTS.attempts,
      backoff: { type: 'exponential', delay: options.backoffMs ?? ORDER_QUEUE_DEFAULTS.backoffMs },
      removeOnComplete: { ...(options.removeOnComplete ?? ORDER_QUEUE_DEFAULTS.removeOnComplete) },
      removeOnFail: { ...(options.removeOnFail ?? ORDER_QUEUE_DEFAULTS.removeOnFail) },
    },
  });
  // Connection errors surface through readiness and per request; without a listener they would crash.
  queue.on('error', () => undefined);

  return {
    queue,
    async enqueueConfirmation(data) {
      if (redis.status !== 'ready') {
        throw new DependencyUnavailableError(
          'redis',
          `enqueueing order ${data.order_id} (connection ${redis.status})`,
        );
      }
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          queue.add(CONFIRM_JOB_NAME, data, { jobId: data.order_id }),
          new Promise((_resolve, reject) => {
            timer = setTimeout(() => {
              reject(new Error(`enqueue did not finish within ${timeoutMs} ms`));
            }, timeoutMs);
          }),
        ]);
      } catch (error) {
        throw new DependencyUnavailableError('redis', `enqueueing order ${data.order_id}`, {
          cause: error,
        });
      } finally {
        clearTimeout(timer);
      }
    },
    close: () => queue.close(),
  };
}
