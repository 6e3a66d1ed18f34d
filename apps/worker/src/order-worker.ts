import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { ORDER_QUEUE } from './order-job.js';
import { jobContextFields, type OrderJobResult, type OrderProcessor } from './order-processor.js';
import { closeWorker, type CloseOutcome } from './close-worker.js';
import { isConnectionError } from './redis.js';
import type { LoggerLike, RunInJobContext } from './types.js';

export interface OrderWorkerOptions {
  /** The app's own ioredis client (`maxRetriesPerRequest: null`); the app closes it, BullMQ does not. */
  readonly connection: Redis;
  readonly logger: LoggerLike;
  readonly runInJobContext?: RunInJobContext;
  readonly queueName?: string;
  /** BullMQ key prefix (the API must use the same). */
  readonly prefix?: string;
  readonly concurrency?: number;
  /** How long a job's lock lives without renewal; a force-closed or killed worker's jobs are recovered after it. */
  readonly lockDurationMs?: number;
  /** How often this worker looks for stalled jobs (locks that expired) and moves them back to wait. */
  readonly stalledIntervalMs?: number;
  /** A job stalled more often than this is failed instead of retried. */
  readonly maxStalledCount?: number;
  /** Retention when the job itself does not say (the API sets it per job). */
  readonly keepCompleted?: { age: number; count: number };
  readonly keepFailed?: { age: number; count: number };
  readonly autorun?: boolean;
}

export const ORDER_WORKER_DEFAULTS = {
  queueName: ORDER_QUEUE,
  prefix: 'bull',
  concurrency: 5,
  lockDurationMs: 30_000,
  stalledIntervalMs: 30_000,
  maxStalledCount: 2,
  keepCompleted: { age: 24 * 3600, count: 1000 },
  keepFailed: { age: 7 * 24 * 3600, count: 5000 },
  autorun: true,
} as const;

export type OrderWorker = Worker<unknown, OrderJobResult>;

export interface OrderWorkerHandle {
  readonly worker: OrderWorker;
  /** Ids of the jobs this process is working on right now. */
  activeJobIds(): string[];
  /** Bounded close: see {@link closeWorker}. */
  close(options: { graceMs: number; forceWaitMs?: number }): Promise<CloseOutcome>;
}

const passThrough: RunInJobContext = (_fields, fn) => fn();

function isFinalFailure(job: Job, error: Error): boolean {
  if (error instanceof UnrecoverableError || error.name === 'UnrecoverableError') return true;
  if (error.name === 'InvalidJobDataError' || error.name === 'InvalidOrderItemsError') return true;
  return job.attemptsMade >= (job.opts.attempts ?? 1);
}

/**
 * The BullMQ worker for `order.confirm`, with every failure path logged: a failed attempt at warn, a
 * job that will not be retried (out of attempts, or unrecoverable) at error with its id; worker errors
 * (Redis down, lock renewal failed) are logged and never crash the process.
 */
export function createOrderWorker(
  processor: OrderProcessor,
  options: OrderWorkerOptions,
): OrderWorkerHandle {
  const o = { ...ORDER_WORKER_DEFAULTS, ...options };
  const { logger } = o;
  const runInJobContext = o.runInJobContext ?? passThrough;
  const active = new Set<string>();
  // Three declared parameters: BullMQ hands the abort signal only to processors that declare it.
  const tracked: OrderProcessor = async (job, token, signal) => {
    const id = job.id ?? '(unknown)';
    active.add(id);
    try {
      return await processor(job, token, signal);
    } finally {
      active.delete(id);
    }
  };
  const worker: OrderWorker = new Worker<unknown, OrderJobResult>(o.queueName, tracked, {
    connection: o.connection,
    prefix: o.prefix,
    concurrency: o.concurrency,
    lockDuration: o.lockDurationMs,
    stalledInterval: o.stalledIntervalMs,
    maxStalledCount: o.maxStalledCount,
    removeOnComplete: o.keepCompleted,
    removeOnFail: o.keepFailed,
    autorun: o.autorun,
  });

  worker.on('failed', (job, error) => {
    if (job === undefined) {
      logger.error('a stalled job exceeded its stalled limit and was removed', { err: error });
      return;
    }
    const data = (typeof job.data === 'object' && job.data !== null ? job.data : {}) as {
      request_id?: unknown;
    };
    const requestId = typeof data.request_id === 'string' ? data.request_id : undefined;
    const fields = jobContextFields(job, requestId === undefined ? {} : { request_id: requestId });
    const final = isFinalFailure(job, error);
    runInJobContext(fields, () => {
      const details = {
        job_id: job.id,
        job_name: job.name,
        attempts_made: job.attemptsMade,
        attempts: job.opts.attempts ?? 1,
        err: error,
      };
      if (final)
        logger.error(
          `job ${job.id ?? '(unknown)'} failed permanently and is in the failed set`,
          details,
        );
      else
        logger.warn(`job ${job.id ?? '(unknown)'} attempt failed; BullMQ will retry it`, details);
    });
  });
  worker.on('stalled', (jobId) => {
    logger.warn(`job ${jobId} stalled (its worker died or lost its lock); moved back to wait`, {
      job_id: jobId,
      queue: o.queueName,
    });
  });
  worker.on('lockRenewalFailed', (jobIds) => {
    logger.warn('could not renew job locks; another worker may process these jobs again', {
      job_ids: jobIds,
    });
  });
  worker.on('error', (error) => {
    if (isConnectionError(error)) {
      logger.debug('queue worker waiting for Redis', { err: error });
      return;
    }
    logger.error('queue worker error (processing continues; BullMQ retries)', { err: error });
  });
  const activeJobIds = () => [...active];
  return {
    worker,
    activeJobIds,
    close: ({ graceMs, forceWaitMs }) =>
      closeWorker(worker, {
        graceMs,
        logger,
        activeJobIds,
        ...(forceWaitMs === undefined ? {} : { forceWaitMs }),
      }),
  };
}
