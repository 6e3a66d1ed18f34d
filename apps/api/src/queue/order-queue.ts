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

/**
 * What {@link OrderQueue.ensureConfirmation} found and did: `added` a job (none existed: never
 * published, or lost with a Redis that keeps nothing), `retried` a job that had run out of attempts,
 * or left one that is `queued` (waiting, delayed, active) or already `completed`.
 */
export type EnsureOutcome = 'added' | 'retried' | 'queued' | 'completed';

export interface OrderQueue {
  readonly queue: Queue<ConfirmOrderJobData>;
  /** Adds `order.confirm` with job id = order id; adding the same order again is a no-op. */
  enqueueConfirmation(data: ConfirmOrderJobData): Promise<void>;
  /**
   * Makes sure the order's job exists and can still run: adds it when missing, retries it when it
   * failed (never a second job for the same order). Bounded by the enqueue timeout.
   */
  ensureConfirmation(data: ConfirmOrderJobData): Promise<EnsureOutcome>;
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
    // fast failure for callers comes from the status check in bounded() instead.
    defaultJobOptions: {
      attempts: options.attempts ?? ORDER_QUEUE_DEFAULTS.attempts,
      backoff: { type: 'exponential', delay: options.backoffMs ?? ORDER_QUEUE_DEFAULTS.backoffMs },
      removeOnComplete: { ...(options.removeOnComplete ?? ORDER_QUEUE_DEFAULTS.removeOnComplete) },
      removeOnFail: { ...(options.removeOnFail ?? ORDER_QUEUE_DEFAULTS.removeOnFail) },
    },
  });
  // Connection errors surface through readiness and per request; without a listener they would crash.
  queue.on('error', () => undefined);

  /** Fails fast when Redis is not connected, and gives up (503 for a request) after the timeout. */
  async function bounded<T>(what: string, run: () => Promise<T>): Promise<T> {
    if (redis.status !== 'ready') {
      throw new DependencyUnavailableError('redis', `${what} (connection ${redis.status})`);
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        run(),
        new Promise<never>((_resolve, reject) => {
          timer = setTimeout(() => {
            reject(new Error(`Redis did not answer within ${timeoutMs} ms`));
          }, timeoutMs);
        }),
      ]);
    } catch (error) {
      throw new DependencyUnavailableError('redis', what, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    queue,
    enqueueConfirmation: (data) =>
      bounded(`enqueueing order ${data.order_id}`, async () => {
        await queue.add(CONFIRM_JOB_NAME, data, { jobId: data.order_id });
      }),
    ensureConfirmation: (data) =>
      bounded(`re-driving order ${data.order_id}`, async (): Promise<EnsureOutcome> => {
        const job = await queue.getJob(data.order_id);
        if (job === undefined) {
          await queue.add(CONFIRM_JOB_NAME, data, { jobId: data.order_id });
          return 'added';
        }
        const state = await job.getState();
        if (state === 'failed') {
          // A fresh budget of attempts (and backoff), as if the job had just been published.
          await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
          return 'retried';
        }
        return state === 'completed' ? 'completed' : 'queued';
      }),
    close: () => queue.close(),
  };
}
