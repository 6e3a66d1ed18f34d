import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { freePort, startRedisServer } from '@shipshape/testkit';
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAdminServer } from './admin-server.js';
import { BOARD_MAX_JOBS_PER_PAGE, BOARD_PATH, createQueueBoard } from './queue-board.js';

// The board in-process against the local Redis, behind the real admin server and access rule.
// test/queue-board.test.ts drives the same board in Chromium on the built worker.
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const TOKEN = 'queue-board-test-token-0123456789';
const prefix = `board-unit-${randomUUID()}`;
let redis: Redis;
let queue: Queue;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  queue = new Queue('orders', { connection: redis, prefix });
  const connection = redis.duplicate();
  const worker = new Worker(
    'orders',
    (job) => {
      throw new UnrecoverableError(`job ${job.id ?? ''} cannot succeed`);
    },
    { connection, prefix },
  );
  for (const id of ['failed-1', 'failed-2']) await queue.add('order.confirm', {}, { jobId: id });
  await vi.waitFor(async () => expect(await queue.getJobCountByTypes('failed')).toBe(2), {
    timeout: 10_000,
  });
  await worker.close();
  connection.disconnect();
});

afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await queue.obliterate({ force: true });
  await queue.close();
  redis.disconnect();
});

async function serve(
  actions: boolean,
  token = '',
  redisUrl = REDIS_URL,
  responseTimeoutMs?: number,
): Promise<string> {
  const board = createQueueBoard({
    redisUrl,
    queueName: 'orders',
    prefix,
    actions,
    ...(responseTimeoutMs === undefined ? {} : { responseTimeoutMs }),
  });
  const server = createAdminServer({
    token,
    health: (_req, _res, next) => next?.(),
    metrics: (_req, res) => res.end(),
    logLevel: (_req, res) => res.end(),
    info: () => ({}),
    board,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () => board.close(),
    () => new Promise((resolve) => server.close(resolve)),
  );
  return `http://127.0.0.1:${String((server.address() as AddressInfo).port)}${BOARD_PATH}`;
}

describe('queue board', () => {
  it('serves Bull Board at /admin/queues: the page, its assets and its API', async () => {
    const board = await serve(false);
    const page = await fetch(board);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`<base href="${BOARD_PATH}/" />`);
    const script = /src="(static\/js\/main\.[^"]+\.js)"/.exec(html)?.[1] ?? 'missing';
    expect((await fetch(`${board}/${script}`)).status).toBe(200);
    const api = (await (await fetch(`${board}/api/queues`)).json()) as {
      queues: { name: string; counts: { failed: number } }[];
    };
    expect(api.queues.map((q) => [q.name, q.counts.failed])).toEqual([['orders', 2]]);
    expect(page.headers.get('x-powered-by')).toBeNull();
  });

  it('read-only: Bull Board hides actions, and every method but GET/HEAD is refused with 405', async () => {
    const board = await serve(false);
    const api = (await (await fetch(`${board}/api/queues`)).json()) as {
      queues: { readOnlyMode: boolean; allowRetries: boolean }[];
    };
    expect(api.queues[0]).toMatchObject({ readOnlyMode: true, allowRetries: false });
    for (const [method, path] of [
      ['PUT', '/api/queues/orders/failed-1/retry'],
      ['PUT', '/api/queues/orders/retry/failed'],
      ['PUT', '/api/queues/orders/clean/failed'],
      ['DELETE', '/api/queues/orders/obliterate'],
      ['POST', '/api/queues/orders/add'],
    ] as const) {
      const response = await fetch(`${board}${path}`, { method });
      expect([method, path, response.status, response.headers.get('allow')]).toEqual([
        method,
        path,
        405,
        'GET, HEAD',
      ]);
      expect(await response.json()).toMatchObject({ status: 405, title: 'Method Not Allowed' });
    }
    expect(await queue.getJobState('failed-1')).toBe('failed');
    expect(await queue.getJobCountByTypes('failed')).toBe(2);
  });

  it('with actions (a token is set): behind the token, and a retry moves the job out of the failed set', async () => {
    const board = await serve(true, TOKEN);
    const authorization = `Bearer ${TOKEN}`;
    const refused = await fetch(`${board}/api/queues/orders/failed-2/retry`, { method: 'PUT' });
    expect(refused.status).toBe(401);
    expect((await fetch(board)).status).toBe(401);
    expect(await queue.getJobState('failed-2')).toBe('failed');
    const retried = await fetch(`${board}/api/queues/orders/failed-2/retry`, {
      method: 'PUT',
      headers: { authorization },
    });
    expect(retried.status).toBe(204);
    expect(await queue.getJobState('failed-2')).toBe('waiting');
    await queue.remove('failed-2');
  });

  it(`bounds the page size at ${String(BOARD_MAX_JOBS_PER_PAGE)} jobs and routes only its own path`, async () => {
    const board = await serve(false);
    const list = (jobsPerPage: string) =>
      fetch(
        `${board}/api/queues?activeQueue=orders&status=failed&page=1&jobsPerPage=${jobsPerPage}`,
      );
    expect((await list(String(BOARD_MAX_JOBS_PER_PAGE))).status).toBe(200);
    for (const tooMany of [String(BOARD_MAX_JOBS_PER_PAGE + 1), '1e9', 'all']) {
      const response = await list(tooMany);
      expect([tooMany, response.status]).toEqual([tooMany, 400]);
    }
    const unknown = await fetch(`${board}/api/nothing-here`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toBe('application/problem+json');
    expect((await fetch(`${board}-lookalike`)).status).toBe(404);
  });

  it('answers 503 by its deadline when Redis was never reached, and the page itself still loads', async () => {
    const board = await serve(false, '', `redis://127.0.0.1:${String(await freePort())}`, 500);
    const started = Date.now();
    const response = await fetch(`${board}/api/queues`, { signal: AbortSignal.timeout(5_000) });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({
      status: 503,
      detail: expect.stringContaining(
        'Redis did not answer the queue board within 500 ms',
      ) as string,
    });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect((await fetch(board)).status).toBe(200); // the page and its assets need no Redis
  });

  it('fails fast while a Redis it was connected to is down, and recovers when it is back', async () => {
    const server = await startRedisServer();
    cleanups.push(() => server.destroy());
    const board = await serve(false, '', server.url, 3_000);
    const list = () => fetch(`${board}/api/queues`, { signal: AbortSignal.timeout(5_000) });
    expect((await list()).status).toBe(200);
    await server.stop();
    const started = Date.now();
    expect((await list()).status).toBe(500); // no offline queue: an error now, not the deadline's 503
    expect(Date.now() - started).toBeLessThan(1_000);
    await server.start();
    await vi.waitFor(async () => expect((await list()).status).toBe(200), { timeout: 10_000 });
  });
});
