import type { GuardedCounter, GuardedHistogram, InstrumentFactory } from './instruments.js';
import { detach } from './types.js';
import type { EventSourceLike, Teardown } from './types.js';

/** The job fields the worker instrumentation reads (BullMQ `Job`). */
export interface JobLike {
  readonly name: string;
  readonly timestamp?: number;
  readonly delay?: number;
  readonly processedOn?: number;
  readonly finishedOn?: number;
}

/** A BullMQ Worker, duck-typed: its queue name and its events. */
export interface WorkerLike extends EventSourceLike {
  readonly name: string;
}

const JOB_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600,
];

/** Job durations, wait times and outcome counters from worker events. */
export class WorkerCollector {
  readonly #duration: GuardedHistogram;
  readonly #wait: GuardedHistogram;
  readonly #completed: GuardedCounter;
  readonly #failed: GuardedCounter;
  readonly #stalled: GuardedCounter;

  constructor(factory: InstrumentFactory) {
    this.#duration = factory.histogram({
      name: 'bullmq_job_duration_seconds',
      help: 'Time a worker spent processing a job attempt, by outcome (completed, failed).',
      labelNames: ['queue', 'job_name', 'outcome'],
      buckets: JOB_BUCKETS,
    });
    this.#wait = factory.histogram({
      name: 'bullmq_job_wait_duration_seconds',
      help: 'Time from when a job became ready (created plus its delay) until a worker started it.',
      labelNames: ['queue', 'job_name'],
      buckets: JOB_BUCKETS,
    });
    const counter = (name: string, help: string, labelNames: string[]): GuardedCounter =>
      factory.counter({ name, help, labelNames });
    this.#completed = counter('bullmq_jobs_completed_total', 'Jobs completed by this worker.', [
      'queue',
      'job_name',
    ]);
    this.#failed = counter('bullmq_jobs_failed_total', 'Job attempts that failed in this worker.', [
      'queue',
      'job_name',
    ]);
    this.#stalled = counter(
      'bullmq_jobs_stalled_total',
      'Jobs found stalled (lock lost) and moved back.',
      ['queue'],
    );
  }

  instrument(worker: WorkerLike): Teardown {
    const queue = worker.name;
    const onActive = (job: JobLike | undefined): void => {
      if (job?.timestamp === undefined) return;
      const startedAt = job.processedOn ?? Date.now();
      const ready = job.timestamp + (job.delay ?? 0);
      this.#wait.observe({ queue, job_name: job.name }, Math.max(0, startedAt - ready) / 1000);
    };
    const onCompleted = (job: JobLike | undefined): void => {
      const labels = { queue, job_name: job?.name ?? 'unknown' };
      this.#completed.inc(labels);
      this.#observeDuration(job, labels, 'completed');
    };
    const onFailed = (job: JobLike | undefined): void => {
      const labels = { queue, job_name: job?.name ?? 'unknown' };
      this.#failed.inc(labels);
      this.#observeDuration(job, labels, 'failed');
    };
    const onStalled = (): void => {
      this.#stalled.inc({ queue });
    };
    worker.on('active', onActive);
    worker.on('completed', onCompleted);
    worker.on('failed', onFailed);
    worker.on('stalled', onStalled);
    return () => {
      detach(worker, 'active', onActive);
      detach(worker, 'completed', onCompleted);
      detach(worker, 'failed', onFailed);
      detach(worker, 'stalled', onStalled);
    };
  }

  #observeDuration(
    job: JobLike | undefined,
    labels: { queue: string; job_name: string },
    outcome: string,
  ): void {
    if (job?.processedOn === undefined) return;
    const finishedOn = job.finishedOn ?? Date.now();
    this.#duration.observe(
      { ...labels, outcome },
      Math.max(0, finishedOn - job.processedOn) / 1000,
    );
  }
}
