import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bullmqWorkerCheck } from '../src/checks/index.js';
import { createHealth, type Health } from '../src/index.js';
import { sleep } from './helpers.js';

// The shared Redis of the test machine; a unique prefix and queue name keep us out of others' keys.
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = 'shipshape-health-test';
const QUEUE = `worker-check-${process.pid}-${Date.now()}`;

let worker: Worker;
let health: Health;

async function closeBounded(what: Promise<unknown>): Promise<void> {
  await Promise.race([what, sleep(5000)]);
}

beforeAll(async () => {
  const url = new URL(REDIS_URL);
  worker = new Worker(QUEUE, () => Promise.resolve(), {
    prefix: PREFIX,
    connection: { host: url.hostname, port: Number(url.port || 6379), maxRetriesPerRequest: null },
  });
  worker.on('error', () => undefined);
  await worker.waitUntilReady();
  health = createHealth({ cacheTtlMs: 0 });
  health.readiness.add('worker', bullmqWorkerCheck(worker));
  health.markStarted();
});

afterAll(async () => {
  await closeBounded(worker.close());
  const redis = new Redis(REDIS_URL);
  try {
    const keys = await redis.keys(`${PREFIX}:${QUEUE}:*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
});

async function status(): Promise<{ status: string; output?: string }> {
  const body = await health.run('readiness');
  const entry = body.checks?.['worker:responseTime']?.[0];
  return { status: body.status, ...(entry?.output === undefined ? {} : { output: entry.output }) };
}

describe('bullmqWorkerCheck against a real BullMQ worker', () => {
  it('passes while running, fails while paused, passes after resume, fails once closed', async () => {
    const deadline = Date.now() + 5000;
    while (!worker.isRunning() && Date.now() < deadline) await sleep(20);
    expect(await status()).toEqual({ status: 'pass' });

    await closeBounded(worker.pause(true));
    expect(await status()).toEqual({
      status: 'fail',
      output: `BullMQ worker for queue "${QUEUE}" is paused; resume() it to process jobs`,
    });

    await worker.resume();
    expect((await status()).status).toBe('pass');

    await closeBounded(worker.close());
    expect((await status()).status).toBe('fail');
  });
});
