import { MetricsError } from './errors.js';
import type { GuardedCounter, GuardedGauge, InstrumentFactory } from './instruments.js';
import type { MetricsLogger, Teardown } from './types.js';

/** A BullMQ Queue, duck-typed: its name, one job-counts call and the oldest waiting job. */
export interface QueueLike {
  readonly name: string;
  getJobCounts(...types: string[]): Promise<Record<string, number>>;
  getWaiting(
    start?: number,
    end?: number,
  ): Promise<readonly ({ timestamp?: number; delay?: number } | undefined)[]>;
}

export const QUEUE_STATES = [
  'waiting',
  'active',
  'delayed',
  'prioritized',
  'waiting-children',
  'failed',
  'completed',
  'paused',
] as const;

interface QueueState {
  readonly queue: QueueLike;
  /** The previous read when it is still running (Redis hung): never stack another on top. */
  pending: Promise<unknown> | undefined;
}

/** Queue gauges read at scrape time, each read bounded by `timeoutMs`. */
export class QueueCollector {
  readonly #queues = new Map<string, QueueState>();
  readonly #jobs: GuardedGauge;
  readonly #oldest: GuardedGauge;
  readonly #errors: GuardedCounter;
  readonly #timeoutMs: number;
  readonly #logger: MetricsLogger | undefined;
  #inflight: Promise<void> | undefined;

  constructor(factory: InstrumentFactory, timeoutMs: number, logger: MetricsLogger | undefined) {
    this.#timeoutMs = timeoutMs;
    this.#logger = logger;
    // Both gauges share one read per scrape: whichever collect runs first starts it.
    const collect = (): Promise<void> => this.#collectOnce();
    this.#jobs = factory.gauge({
      name: 'bullmq_queue_jobs',
      help: 'Jobs in a BullMQ queue by state, read from one job-counts call per scrape.',
      labelNames: ['queue', 'state'],
      collect,
    });
    this.#oldest = factory.gauge({
      name: 'bullmq_queue_oldest_waiting_job_age_seconds',
      help: 'Age of the oldest job waiting in a BullMQ queue (0 when none waits).',
      labelNames: ['queue'],
      collect,
    });
    this.#errors = factory.counter({
      name: 'bullmq_scrape_errors_total',
      help: 'Scrapes whose BullMQ queue read failed or exceeded the time bound; the queue gauges are dropped then.',
      labelNames: ['queue'],
    });
  }

  add(queue: QueueLike): Teardown {
    this.#queues.set(queue.name, { queue, pending: undefined });
    this.#errors.inc({ queue: queue.name }, 0);
    return () => {
      this.#queues.delete(queue.name);
      this.#drop(queue.name);
    };
  }

  #collectOnce(): Promise<void> {
    this.#inflight ??= Promise.all(
      [...this.#queues.values()].map((state) => this.#read(state)),
    ).then(() => {
      this.#inflight = undefined;
    });
    return this.#inflight;
  }

  async #read(state: QueueState): Promise<void> {
    const name = state.queue.name;
    try {
      if (state.pending !== undefined) {
        throw new MetricsError(
          'METRICS_COLLECT_TIMEOUT',
          `queue "${name}": the previous read has not returned yet; is Redis reachable?`,
        );
      }
      const read = Promise.all([
        state.queue.getJobCounts(...QUEUE_STATES),
        state.queue.getWaiting(0, 0),
      ]);
      state.pending = read;
      read.then(
        () => (state.pending = undefined),
        () => (state.pending = undefined),
      );
      const [counts, waiting] = await withTimeout(read, this.#timeoutMs, name);
      for (const stateName of QUEUE_STATES) {
        this.#jobs.set({ queue: name, state: stateName }, counts[stateName] ?? 0);
      }
      this.#oldest.set({ queue: name }, oldestAgeSeconds(waiting[0]));
    } catch (error) {
      this.#errors.inc({ queue: name });
      this.#drop(name);
      this.#logger?.warn(
        `metrics: reading BullMQ queue "${name}" failed; its gauges are left out of this scrape`,
        {
          queue: name,
          err: error,
        },
      );
    }
  }

  #drop(name: string): void {
    for (const stateName of QUEUE_STATES) this.#jobs.remove({ queue: name, state: stateName });
    this.#oldest.remove({ queue: name });
  }
}

function oldestAgeSeconds(job: { timestamp?: number; delay?: number } | undefined): number {
  if (job?.timestamp === undefined) return 0;
  const waitingSince = job.timestamp + (job.delay ?? 0);
  return Math.max(0, (Date.now() - waitingSince) / 1000);
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, queue: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(
        new MetricsError(
          'METRICS_COLLECT_TIMEOUT',
          `queue "${queue}": job counts did not arrive within ${timeoutMs} ms; check that Redis is reachable`,
        ),
      );
    }, timeoutMs);
    timer.unref();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
