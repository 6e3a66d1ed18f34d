import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureApiBuilt, startApi, startWorker } from './helpers/apps.js';
import { freePort } from '@shipshape/testkit';
import { getJson, until, type AppProcess } from './helpers/processes.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('trace continuity across the built API and worker (shared SQLite file, console exporter)', () => {
  const prefix = `trace-${randomUUID()}`;
  let dir: string;
  let api: AppProcess;
  let worker: AppProcess;
  let apiUrl: string;

  beforeAll(async () => {
    ensureApiBuilt();
    dir = mkdtempSync(join(tmpdir(), 'worker-trace-'));
    const common = {
      DATABASE_FILE: join(dir, 'shipshape.sqlite'),
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      OTEL_TRACES_EXPORTER: 'console',
    };
    const [apiPort, apiAdmin, workerAdmin] = [await freePort(), await freePort(), await freePort()];
    apiUrl = `http://127.0.0.1:${apiPort}`;
    // The API migrates the embedded database at start-up; the worker waits for the schema.
    api = startApi('api', {
      ...common,
      SERVER_PORT: String(apiPort),
      ADMIN_PORT: String(apiAdmin),
    });
    worker = startWorker('worker', {
      ...common,
      ADMIN_PORT: String(workerAdmin),
      WORKER_PROVIDER_LATENCY: '10ms',
    });
    await until(
      'API and worker ready',
      async () =>
        (await getJson(`http://127.0.0.1:${apiAdmin}/readyz`)).status === 200 &&
        (await getJson(`http://127.0.0.1:${workerAdmin}/readyz`)).status === 200
          ? true
          : undefined,
      30_000,
    );
  });

  afterAll(async () => {
    await Promise.all([api.stop(), worker.stop()]);
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const queue = new Queue('orders', { connection: redis, prefix });
    await queue.obliterate({ force: true });
    await queue.close();
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  it("the worker's job span and log lines share the API request's trace id and request id", async () => {
    const traceId = randomBytes(16).toString('hex');
    const requestId = `trace-req-${randomBytes(4).toString('hex')}`;
    const response = await fetch(`${apiUrl}/v1/orders`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-request-id': requestId,
        traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`,
      },
      body: JSON.stringify({
        customer_email: 'trace@example.com',
        items: [{ sku: 'SKU-T', quantity: 2, unit_price_cents: 1999 }],
      }),
    });
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as { id: string };

    const confirmed = await worker.waitForLine(
      (l) => l.message === 'order confirmed' && l['messaging.message.id'] === id,
    );
    // The API's lines for the request carry the trace id of its server span.
    const apiLine = await api.waitForLine((l) => l.request_id === requestId && 'trace_id' in l);
    expect(apiLine.trace_id).toBe(traceId);
    // The worker's lines for the job: same trace, the API's request id, and the job's own span.
    expect(confirmed).toMatchObject({
      'messaging.message.id': id,
      'messaging.destination.name': 'orders',
      request_id: requestId,
      trace_id: traceId,
    });
    const jobLines = worker.lines.filter((l) => l['messaging.message.id'] === id);
    expect(jobLines.every((l) => l.trace_id === traceId && l.request_id === requestId)).toBe(true);
    expect(apiLine.span_id).not.toBe(confirmed.span_id);

    // The console exporter printed the worker's CONSUMER span ("process orders") in that trace.
    await until('the worker span on stdout', () => {
      const text = worker.lines.map((l) => (typeof l.raw === 'string' ? l.raw : '')).join('\n');
      const at = text.indexOf("name: 'process orders'");
      return at !== -1 && text.slice(Math.max(0, at - 2000), at + 2000).includes(traceId)
        ? true
        : undefined;
    });
  });
});
