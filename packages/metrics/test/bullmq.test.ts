import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { QUEUE_STATES } from '../src/bullmq-queue.js';
import { createMetrics } from '../src/index.js';
import { label, samples, waitFor } from './helpers.js';
import { startRedisServer } from '@shipshape/testkit';

const connection = { host: '127.0.0.1', port: 6379 };
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) {
    await Promise.race([
      cleanup().catch(() => undefined),
      new Promise((resolve) => setTimeout(resolve, 3000)),
    ]);
  }
});

function valueOf(text: string, name: string, match: Record<string, string>): number | undefined {
  const line = samples(text, name).find((candidate) =>
    Object.entries(match).every(([key, value]) => label(candidate, key) === value),
  );
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('BullMQ queue gauges', () => {
  it('match the real queue counts, from one getJobCounts call per scrape', async () => {
    const name = `metrics-test-${randomUUID()}`;
    const queue = new Queue(name, { connection });
    cleanups.push(async () => {
      await queue.obliterate({ force: true });
      await queue.close();
    });
    await queue.add('first', { n: 0 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await queue.add('second', { n: 1 });
    await queue.add('third', { n: 2 });
    await queue.add('later', {}, { delay: 60_000 });
    await queue.add('later', {}, { delay: 60_000 });
    await queue.add('urgent', {}, { priority: 1 });

    let calls = 0;
    const getJobCounts = queue.getJobCounts.bind(queue);
    queue.getJobCounts = (...types: Parameters<typeof getJobCounts>) => {
      calls++;
      return getJobCounts(...types);
    };
    const metrics = createMetrics({ service: 'worker', defaultMetrics: false });
    metrics.instrumentQueue(queue);

    const text = await metrics.scrape();
    expect(calls).toBe(1);
    const expected = await getJobCounts(
      ...(QUEUE_STATES as unknown as Parameters<typeof getJobCounts>),
    );
    expect(expected).toMatchObject({ waiting: 3, delayed: 2, prioritized: 1, active: 0 });
    for (const state of QUEUE_STATES) {
      expect(valueOf(text, 'bullmq_queue_jobs', { queue: name, state }), state).toBe(
        expected[state],
      );
    }
    const age = valueOf(text, 'bullmq_queue_oldest_waiting_job_age_seconds', { queue: name });
    expect(age).toBeGreaterThanOrEqual(0.3);
    expect(age).toBeLessThan(30);
    expect(valueOf(text, 'bullmq_scrape_errors_total', { queue: name })).toBe(0);

    await metrics.scrape('openmetrics');
    expect(calls).toBe(2);
    metrics.stop();
  });
});

describe('BullMQ worker metrics', () => {
  it('count completed and failed jobs and observe durations and waits', async () => {
    const name = `metrics-test-${randomUUID()}`;
    const queue = new Queue(name, { connection });
    const worker = new Worker(
      name,
      async (job) => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        if (job.name === 'bad') throw new Error('expected failure');
        return 'ok';
      },
      { connection: { ...connection, maxRetriesPerRequest: null }, autorun: false },
    );
    cleanups.push(async () => {
      await worker.close(true);
      await queue.obliterate({ force: true });
      await queue.close();
    });
    const metrics = createMetrics({ service: 'worker', defaultMetrics: false });
    metrics.instrumentWorker(worker);
    await queue.add('good', {});
    await queue.add('good', {});
    await queue.add('bad', {}, { attempts: 1 });
    void worker.run();

    await waitFor(async () => {
      const text = await metrics.scrape();
      return (
        valueOf(text, 'bullmq_jobs_completed_total', { queue: name, job_name: 'good' }) === 2 &&
        valueOf(text, 'bullmq_jobs_failed_total', { queue: name, job_name: 'bad' }) === 1
      );
    }, 10_000);
    const text = await metrics.scrape();
    expect(
      valueOf(text, 'bullmq_job_duration_seconds_count', {
        queue: name,
        job_name: 'good',
        outcome: 'completed',
      }),
    ).toBe(2);
    expect(
      valueOf(text, 'bullmq_job_duration_seconds_count', {
        queue: name,
        job_name: 'bad',
        outcome: 'failed',
      }),
    ).toBe(1);
    const sum = valueOf(text, 'bullmq_job_duration_seconds_sum', {
      queue: name,
      job_name: 'good',
      outcome: 'completed',
    });
    expect(sum).toBeGreaterThanOrEqual(0.03);
    expect(
      valueOf(text, 'bullmq_job_wait_duration_seconds_count', { queue: name, job_name: 'good' }),
    ).toBe(2);
    metrics.stop();
  });

  it('counts stalled jobs by queue from the stalled event', async () => {
    const worker = Object.assign(new EventEmitter(), { name: 'stall-queue' });
    const metrics = createMetrics({ service: 'worker', defaultMetrics: false });
    const teardown = metrics.instrumentWorker(worker);
    worker.emit('stalled', 'job-1', 'active');
    worker.emit('stalled', 'job-2', 'active');
    expect(
      valueOf(await metrics.scrape(), 'bullmq_jobs_stalled_total', { queue: 'stall-queue' }),
    ).toBe(2);
    teardown();
    worker.emit('stalled', 'job-3', 'active');
    expect(
      valueOf(await metrics.scrape(), 'bullmq_jobs_stalled_total', { queue: 'stall-queue' }),
    ).toBe(2);
  });
});

describe('BullMQ scrape with Redis down', () => {
  it('returns within the bound, counts the error and drops the stale gauges', async () => {
    const redis = await startRedisServer();
    cleanups.push(() => redis.destroy());
    const client = new Redis({
      host: '127.0.0.1',
      port: redis.port,
      retryStrategy: () => 100,
      maxRetriesPerRequest: null,
    });
    cleanups.push(() => {
      client.disconnect();
      return Promise.resolve();
    });
    const queue = new Queue('orders', { connection: client });
    queue.on('error', () => undefined);
    cleanups.push(() => queue.close());
    await queue.add('order.confirm', {});
    const boundMs = 500;
    const metrics = createMetrics({
      service: 'worker',
      defaultMetrics: false,
      queueTimeoutMs: boundMs,
    });
    metrics.instrumentQueue(queue);

    const healthy = await metrics.scrape();
    expect(valueOf(healthy, 'bullmq_queue_jobs', { queue: 'orders', state: 'waiting' })).toBe(1);

    await redis.kill();
    for (const attempt of [1, 2]) {
      const started = performance.now();
      const text = await metrics.scrape();
      const elapsed = performance.now() - started;
      expect(elapsed).toBeLessThan(boundMs + 1000);
      expect(
        samples(text, 'bullmq_queue_jobs').filter((line) => label(line, 'queue') === 'orders'),
      ).toEqual([]);
      expect(samples(text, 'bullmq_queue_oldest_waiting_job_age_seconds')).toEqual([]);
      expect(valueOf(text, 'bullmq_scrape_errors_total', { queue: 'orders' })).toBe(attempt);
      expect(text).toContain('build_info{');
    }
    metrics.stop();
  });
});
