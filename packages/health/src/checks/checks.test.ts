import { describe, expect, it, vi } from 'vitest';
import { bullmqWorkerCheck } from './bullmq.js';
import { eventLoopDelayCheck } from './event-loop.js';
import { heapCheck } from './heap.js';
import { knexCheck } from './knex.js';
import { redisCheck } from './redis.js';

const signal = new AbortController().signal;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('redisCheck', () => {
  it('fails at once without sending PING while the client is not connected', async () => {
    for (const status of ['reconnecting', 'connecting', 'connect', 'close', 'end']) {
      const ping = vi.fn(() => new Promise<string>(() => undefined)); // what an offline queue does
      await expect(redisCheck({ status, ping })({ signal })).rejects.toThrow(
        `redis client is ${status}`,
      );
      expect(ping).not.toHaveBeenCalled();
    }
  });

  it('sends PING when ready or lazily waiting, and wants PONG', async () => {
    await expect(
      redisCheck({ status: 'ready', ping: () => Promise.resolve('PONG') })({ signal }),
    ).resolves.toBeUndefined();
    await expect(
      redisCheck({ status: 'wait', ping: () => Promise.resolve('PONG') })({ signal }),
    ).resolves.toBeUndefined();
    await expect(
      redisCheck({ status: 'ready', ping: () => Promise.resolve('LOADING') })({ signal }),
    ).rejects.toThrow('instead of PONG');
  });
});

describe('knexCheck', () => {
  it('runs select 1 and reports pool counts when the pool is visible', async () => {
    const raw = vi.fn(() => Promise.resolve([]));
    const pool = { numUsed: () => 1, numFree: () => 2, numPendingAcquires: () => 0 };
    await expect(knexCheck({ raw, client: { pool } })({ signal })).resolves.toEqual({
      poolUsed: 1,
      poolFree: 2,
      poolPendingAcquires: 0,
    });
    expect(raw).toHaveBeenCalledWith('select 1');
    await expect(knexCheck({ raw })({ signal })).resolves.toBeUndefined();
    await expect(
      knexCheck({ raw: () => Promise.reject(new Error('no db')) })({ signal }),
    ).rejects.toThrow('no db');
  });
});

describe('bullmqWorkerCheck', () => {
  const worker = (running: boolean, paused: boolean, closing?: Promise<void>) => ({
    name: 'orders',
    isRunning: () => running,
    isPaused: () => paused,
    closing,
  });
  it('passes only while running, not paused and not closing', async () => {
    await expect(bullmqWorkerCheck(worker(true, false))({ signal })).resolves.toBeUndefined();
    await expect(bullmqWorkerCheck(worker(false, false))({ signal })).rejects.toThrow(
      'queue "orders" is not running',
    );
    await expect(bullmqWorkerCheck(worker(true, true))({ signal })).rejects.toThrow('is paused');
    await expect(
      bullmqWorkerCheck(worker(true, false, Promise.resolve()))({ signal }),
    ).rejects.toThrow('is closing');
  });
});

describe('heapCheck', () => {
  it('passes below the ratio and warns (never fails) at or above it', async () => {
    await expect(heapCheck({ warnRatio: 1 })({ signal })).resolves.toMatchObject({
      heapUsedBytes: expect.any(Number),
      heapLimitBytes: expect.any(Number),
    });
    const warned = await heapCheck({ warnRatio: 0.000001 })({ signal });
    expect(warned).toMatchObject({
      status: 'warn',
      output: expect.stringMatching(/^heap is \d+% of its limit/),
    });
  });

  it('rejects a ratio outside (0, 1]', () => {
    expect(() => heapCheck({ warnRatio: 0 })).toThrow(
      expect.objectContaining({ code: 'HEALTH_INVALID_OPTION' }),
    );
    expect(() => heapCheck({ warnRatio: 1.5 })).toThrow(
      expect.objectContaining({ code: 'HEALTH_INVALID_OPTION' }),
    );
  });
});

describe('eventLoopDelayCheck', () => {
  it('fails when the loop was blocked longer than maxMs, and starts a new window after each run', async () => {
    const check = eventLoopDelayCheck({ maxMs: 250, resolutionMs: 10 });
    await sleep(50);
    const blockUntil = Date.now() + 600;
    while (Date.now() < blockUntil) {
      // busy-wait: block the event loop
    }
    await sleep(50);
    await expect(check({ signal })).rejects.toThrow(
      /event loop delay p99 is \d+(\.\d+)? ms, above maxMs 250 ms/,
    );
    await sleep(100);
    await expect(check({ signal })).resolves.toMatchObject({
      thresholdMs: 250,
      delayP99Ms: expect.any(Number),
    });
  });

  it('rejects a non-positive maxMs', () => {
    expect(() => eventLoopDelayCheck({ maxMs: 0 })).toThrow(
      expect.objectContaining({ code: 'HEALTH_INVALID_OPTION' }),
    );
  });
});
