import type { LoggerLike } from './types.js';

/** The part of a BullMQ `Worker` a bounded close needs (a real `Worker` fits). */
export interface ClosableWorker {
  close(force?: boolean): Promise<void>;
  cancelAllJobs(reason?: string): void;
  readonly backend: { close(force?: boolean): Promise<void> };
}

export interface CloseWorkerOptions {
  /** How long active jobs may take to finish after the worker stops fetching. */
  readonly graceMs: number;
  /** After the grace period: how long to wait for processors to notice their abort signal. */
  readonly forceWaitMs?: number;
  readonly logger?: LoggerLike;
  readonly activeJobIds?: () => readonly string[];
}

export type CloseOutcome = 'graceful' | 'forced' | 'abandoned';

const timeout = (ms: number): { promise: Promise<'timeout'>; cancel: () => void } => {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
};

/** True when `work` settled (resolved or rejected) within `ms`. */
async function within(work: Promise<unknown>, ms: number): Promise<boolean> {
  const t = timeout(ms);
  const settled = work.then(
    () => 'done' as const,
    () => 'done' as const,
  );
  try {
    return (await Promise.race([settled, t.promise])) === 'done';
  } finally {
    t.cancel();
  }
}

/**
 * Closes a BullMQ worker without ever hanging: stop fetching and wait up to `graceMs` for active jobs
 * (`worker.close()`, which by itself never times out). Past that, close the worker's backend so no
 * result is written for the unfinished jobs, and abort their processors: the jobs stay active with a
 * lock nobody renews, and BullMQ's stalled-job recovery hands them to another worker once the lock
 * expires (the lock duration is the recovery delay). The app's own Redis connection is not closed here.
 */
export async function closeWorker(
  worker: ClosableWorker,
  options: CloseWorkerOptions,
): Promise<CloseOutcome> {
  const { graceMs, forceWaitMs = 2_000, logger } = options;
  // BullMQ reports close-time cleanup failures as 'error' events; a rejection here only ends the wait.
  const closing = worker.close(false);
  if (await within(closing, graceMs)) return 'graceful';
  logger?.warn('active jobs did not finish within the shutdown grace period; handing them back', {
    grace_ms: graceMs,
    job_ids: options.activeJobIds?.() ?? [],
    recovery: 'stalled-job check on another worker, after the lock expires',
  });
  await worker.backend.close(true).catch(() => undefined);
  worker.cancelAllJobs('shutdown deadline reached');
  if (await within(closing, forceWaitMs)) return 'forced';
  logger?.error('worker did not close after force; continuing shutdown without it', {
    force_wait_ms: forceWaitMs,
  });
  return 'abandoned';
}
