// Processes N jobs with a BullMQ worker, bare or with the example worker's instrumentation
// (job context in every log line, a line per job, RED metrics for jobs), and reports jobs/s.
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { nativeAddons } from '../compare-node.js';

const variant = process.argv[2] ?? 'bare';
const jobs = Number(process.argv[3] ?? 5000);
const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const queueName = `bench-${variant}-${randomUUID()}`;
const logFile = join(tmpdir(), `shipshape-bench-worker-${process.pid}.log`);

const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
const queue = new Queue(queueName, { connection });
await queue.addBulk(
  Array.from({ length: jobs }, (_, i) => ({
    name: 'order.confirm',
    data: { order_id: String(i), request_id: randomUUID() },
    opts: { removeOnComplete: true },
  })),
);

const processor = (job: Job<{ order_id: string }>) =>
  Promise.resolve({ confirmed: job.data.order_id });

let run = processor;
let flush = () => Promise.resolve();
let attach: (worker: Worker) => void = () => undefined;
if (variant === 'instrumented') {
  const { createLogger, runInJobContext } = await import('@shipshape/logger');
  const { createMetrics } = await import('@shipshape/metrics');
  const logger = createLogger({ service: 'bench-worker', destination: { path: logFile } });
  const metrics = createMetrics({ service: 'bench-worker' });
  run = (job: Job<{ order_id: string; request_id?: string }>) =>
    runInJobContext(
      { job_id: job.id ?? '', queue: job.queueName, request_id: job.data.request_id },
      async () => {
        const result = await processor(job);
        logger.info('order confirmed', { order_id: job.data.order_id });
        return result;
      },
    );
  attach = (worker) => metrics.instrumentWorker(worker);
  flush = () => logger.flush();
}

let completed = 0;
const start = performance.now();
const workerConnection = connection.duplicate();
const worker = new Worker(queueName, run, { connection: workerConnection, concurrency: 10 });
attach(worker);
await new Promise<void>((resolve) => {
  worker.on('completed', () => {
    if (++completed === jobs) resolve();
  });
});
const elapsedMs = performance.now() - start;
await worker.close();
workerConnection.disconnect();
await flush();
await queue.obliterate({ force: true });
await queue.close();
connection.disconnect();
rmSync(logFile, { force: true });
console.log(
  '@bench',
  JSON.stringify({
    jobs_per_second: (jobs / elapsedMs) * 1000,
    // msgpackr (BullMQ's encoder) loads a native addon when one is built for this Node's ABI.
    native_addons: nativeAddons('self'),
  }),
);
process.exit(0);
