import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventLoopDelayCheck, redisCheck } from '../src/checks/index.js';
import { createHealth, type Health } from '../src/index.js';
import { DEFAULTS } from '../src/options.js';
import { serve, waitFor, type Probe } from './helpers.js';
import { startRedisServer, type RedisServer } from '@shipshape/testkit';

// The documented defaults, not test-friendly ones: the budget the issue gives is timeout + TTL.
const BUDGET_MS = DEFAULTS.timeoutMs + DEFAULTS.cacheTtlMs;
const SLACK_MS = 500;

let server: RedisServer;
let redis: Redis;
let health: Health;
let probe: Probe;

beforeAll(async () => {
  server = await startRedisServer();
  // ioredis defaults on purpose: offline queue on, 20 retries per request, reconnecting forever.
  redis = new Redis({ host: '127.0.0.1', port: server.port });
  redis.on('error', () => undefined); // connection errors are expected while the server is down
  health = createHealth({ verbose: 'always' });
  health.liveness.add('event-loop', eventLoopDelayCheck());
  health.readiness.add('redis', redisCheck(redis));
  health.markStarted();
  probe = await serve(health.handler);
});

afterAll(async () => {
  await probe.close();
  redis.disconnect();
  await server.destroy();
});

const readyIs = (status: number) => async () => (await probe.get('/readyz')).status === status;

describe('redisCheck against a real redis-server', () => {
  it('passes while the server answers', async () => {
    await waitFor('readiness 200', readyIs(200), 5000);
    expect((await probe.get('/livez')).status).toBe(200);
  });

  it('turns readiness 503 within timeout + TTL of a kill, liveness stays 200, and recovers on restart', async () => {
    await waitFor('readiness 200', readyIs(200), 5000);
    await server.kill();
    const livenessStatuses: number[] = [];
    const elapsed = await waitFor(
      'readiness 503 after kill',
      async () => {
        livenessStatuses.push((await probe.get('/livez')).status);
        return readyIs(503)();
      },
      BUDGET_MS + 2000,
    );
    expect(elapsed).toBeLessThanOrEqual(BUDGET_MS);
    process.stdout.write(`killed redis: readiness 503 after ${elapsed} ms\n`);
    // Failed fast on the client status instead of waiting in ioredis' offline queue for the timeout.
    const failed = JSON.parse((await probe.get('/readyz?verbose')).body).checks[
      'redis:responseTime'
    ][0];
    expect(failed.output).toMatch(/^redis client is \w+, not ready/);
    expect(failed.observedValue).toBeLessThan(DEFAULTS.timeoutMs / 2);
    expect(livenessStatuses.every((s) => s === 200)).toBe(true);
    expect((await probe.get('/livez')).status).toBe(200);

    await server.start();
    // ioredis reconnects with backoff capped at 2 s; allow that plus the TTL.
    const recovered = await waitFor(
      'readiness 200 after restart',
      readyIs(200),
      2000 + BUDGET_MS + 2000,
    );
    process.stdout.write(`restarted redis: readiness 200 after ${recovered} ms\n`);
  });

  it('does not trust status "ready": a frozen server fails PING at the timeout, then recovers', async () => {
    await waitFor('readiness 200', readyIs(200), 5000);
    server.freeze(); // the socket stays open, so ioredis still says 'ready'
    try {
      expect(redis.status).toBe('ready');
      const elapsed = await waitFor('readiness 503 while frozen', readyIs(503), BUDGET_MS + 2000);
      // Worst case is exactly timeout + TTL (a pass cached just before the freeze, then a PING that
      // hangs for the whole timeout), so allow the timer and polling slack of a busy 2-core machine.
      expect(elapsed).toBeLessThanOrEqual(BUDGET_MS + SLACK_MS);
      process.stdout.write(`frozen redis: readiness 503 after ${elapsed} ms\n`);
      const failed = JSON.parse((await probe.get('/readyz?verbose')).body).checks[
        'redis:responseTime'
      ][0];
      expect(failed.output).toMatch(/^timed out after 2000 ms/);
      expect(redis.status).toBe('ready');
    } finally {
      server.thaw();
    }
    await waitFor('readiness 200 after thaw', readyIs(200), BUDGET_MS + 3000);
  });
});
