import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHealth, type Health, type HealthOptions } from '../src/index.js';
import { serve, sleep, type Probe } from './helpers.js';

let probe: Probe | undefined;
afterEach(async () => {
  await probe?.close();
  probe = undefined;
});

async function setup(options: HealthOptions = {}): Promise<{ health: Health; probe: Probe }> {
  const health = createHealth(options);
  probe = await serve(health.handler);
  return { health, probe };
}

describe('HTTP handler', () => {
  it('answers application/health+json with no-store, 200 for pass and 503 for fail', async () => {
    const { health, probe } = await setup();
    const live = await probe.get('/livez');
    expect(live.status).toBe(200);
    expect(live.headers.get('content-type')).toBe('application/health+json; charset=utf-8');
    expect(live.headers.get('cache-control')).toBe('no-store');
    expect(live.headers.get('etag')).toBeNull();
    expect(JSON.parse(live.body)).toMatchObject({ status: 'pass' });
    health.readiness.add('db', () => Promise.reject(new Error('down')));
    health.markStarted();
    expect((await probe.get('/readyz')).status).toBe(503);
    expect((await probe.get('/healthz')).status).toBe(503);
    expect((await probe.get('/startupz')).status).toBe(200);
  });

  it('answers a conditional request with a fresh 200, never 304 (terminus#2328)', async () => {
    const { probe } = await setup();
    const first = await probe.get('/livez');
    const again = await probe.get('/livez', {
      'If-None-Match': '*',
      'If-Modified-Since': new Date().toUTCString(),
    });
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(JSON.parse(again.body)).toMatchObject({ status: 'pass' });
  });

  it('answers warn with 200 when only a non-critical check fails', async () => {
    const { health, probe } = await setup({ verbose: 'always' });
    health.markStarted();
    health.readiness.add('cache', () => Promise.reject(new Error('cache down')), {
      critical: false,
    });
    const response = await probe.get('/readyz?verbose');
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({
      status: 'warn',
      checks: { 'cache:responseTime': [{ status: 'warn', output: 'cache down', critical: false }] },
    });
  });

  it('serves HEAD without a body, 405 for other methods, 404 or next() for other paths', async () => {
    const { health, probe } = await setup();
    const head = await fetch(`${probe.base}/livez`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const post = await fetch(`${probe.base}/livez`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect((await probe.get('/nope')).status).toBe(404);
    const next = vi.fn();
    const fakeRes = {} as never;
    health.handler({ url: '/metrics', method: 'GET', headers: {} } as never, fakeRes, next);
    expect(next).toHaveBeenCalledTimes(1);
  });

  it('is 503 on /startupz and /readyz until markStarted()', async () => {
    const { health, probe } = await setup();
    expect((await probe.get('/startupz')).status).toBe(503);
    expect((await probe.get('/readyz')).status).toBe(503);
    expect((await probe.get('/livez')).status).toBe(200);
    health.markStarted();
    expect((await probe.get('/startupz')).status).toBe(200);
    expect((await probe.get('/readyz')).status).toBe(200);
  });

  it('fails readiness the instant draining starts, even with a cached pass', async () => {
    const { health, probe } = await setup({ cacheTtlMs: 60_000 });
    health.markStarted();
    health.readiness.add('db', () => Promise.resolve());
    expect((await probe.get('/readyz')).status).toBe(200);
    health.draining();
    const response = await probe.get('/readyz');
    expect(response.status).toBe(503);
    expect(JSON.parse(response.body)).toMatchObject({
      status: 'fail',
      output: expect.stringMatching(/^draining/),
    });
    expect((await probe.get('/livez')).status).toBe(200);
  });

  it('fails a never-resolving check at its timeout without hanging the probe', async () => {
    const { health, probe } = await setup({ timeoutMs: 300, verbose: 'always' });
    health.markStarted();
    health.readiness.add('hang', () => new Promise<void>(() => undefined));
    health.readiness.add('ok', () => Promise.resolve());
    const startedAt = Date.now();
    const response = await probe.get('/readyz?verbose');
    const elapsed = Date.now() - startedAt;
    expect(response.status).toBe(503);
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(300 + 1000);
    const body = JSON.parse(response.body);
    expect(body.checks['hang:responseTime'][0]).toMatchObject({
      status: 'fail',
      output: 'timed out after 300 ms',
    });
    expect(body.checks['ok:responseTime'][0].status).toBe('pass');
  });

  it('runs each check once for 100 concurrent /readyz requests', async () => {
    const health = createHealth();
    health.markStarted();
    // The checks hold the run open until all 100 requests have reached the server, so every request
    // must have been answered from that one run — however slowly a loaded machine delivers them.
    let arrived = 0;
    let allArrived: () => void = () => undefined;
    const everyoneIsHere = new Promise<void>((resolve) => (allArrived = resolve));
    const holdOpen = (): Promise<void> => Promise.race([everyoneIsHere, sleep(8000)]);
    const db = vi.fn(holdOpen);
    const redis = vi.fn(holdOpen);
    health.readiness.add('db', db, { timeoutMs: 10_000 });
    health.readiness.add('redis', redis, { timeoutMs: 10_000 });
    let events = 0;
    health.on('check', () => (events += 1));
    probe = await serve((req, res, next) => {
      arrived += 1;
      if (arrived === 100) allArrived();
      health.handler(req, res, next);
    });
    const server = probe;
    const responses = await Promise.all(Array.from({ length: 100 }, () => server.get('/readyz')));
    expect(arrived).toBe(100);
    expect(responses.map((r) => r.status)).toEqual(Array.from({ length: 100 }, () => 200));
    expect(db).toHaveBeenCalledTimes(1);
    expect(redis).toHaveBeenCalledTimes(1);
    expect(events).toBe(2); // one shared run, not 100 runs that each waited on the same calls
  });
});

describe('verbose output', () => {
  const secretUrl = 'postgres://app:hunter2-secret@db.internal:5432/orders';
  function failing(health: Health): void {
    health.markStarted();
    health.readiness.add('db', () => {
      const error = new Error(
        `connect ECONNREFUSED while connecting to ${secretUrl} password=hunter2-secret`,
      );
      return Promise.reject(error);
    });
  }

  it('is hidden by default even when asked for', async () => {
    const { health, probe } = await setup();
    failing(health);
    const response = await probe.get('/readyz?verbose');
    expect(response.status).toBe(503);
    const body = JSON.parse(response.body);
    expect(body.checks).toBeUndefined();
    expect(response.body).not.toContain('db');
  });

  it('is shown only when asked for, with policy always', async () => {
    const { health, probe } = await setup({ verbose: 'always' });
    failing(health);
    expect(JSON.parse((await probe.get('/readyz')).body).checks).toBeUndefined();
    expect(JSON.parse((await probe.get('/readyz?verbose=0')).body).checks).toBeUndefined();
    const body = JSON.parse((await probe.get('/readyz?verbose')).body);
    expect(body.checks['db:responseTime'][0]).toMatchObject({
      componentId: 'db',
      componentType: 'readiness',
      status: 'fail',
      observedUnit: 'ms',
      observedValue: expect.any(Number),
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it('never contains a password, a connection string or a stack', async () => {
    const { health, probe } = await setup({ verbose: 'always' });
    failing(health);
    const { body } = await probe.get('/readyz?verbose=1');
    expect(body).not.toContain('hunter2');
    expect(body).not.toContain('app:');
    expect(body).not.toContain('/orders');
    expect(body).not.toMatch(/\n\s+at /);
    expect(body).not.toContain('.ts:');
    expect(JSON.parse(body).checks['db:responseTime'][0].output).toBe(
      'connect ECONNREFUSED while connecting to postgres://db.internal:5432 password=[REDACTED]',
    );
  });

  it('with a token policy, needs the token in Authorization: Bearer or X-Health-Token', async () => {
    const { health, probe } = await setup({ verbose: { token: 's3cr3t-token' } });
    failing(health);
    const checksOf = async (headers: Record<string, string>): Promise<unknown> =>
      JSON.parse((await probe.get('/readyz?verbose', headers)).body).checks;
    expect(await checksOf({})).toBeUndefined();
    expect(await checksOf({ Authorization: 'Bearer wrong' })).toBeUndefined();
    expect(await checksOf({ 'X-Health-Token': 's3cr3t-tokenX' })).toBeUndefined();
    expect(await checksOf({ Authorization: 'Bearer s3cr3t-token' })).toBeDefined();
    expect(await checksOf({ 'X-Health-Token': 's3cr3t-token' })).toBeDefined();
    const withoutAsking = await probe.get('/readyz', { Authorization: 'Bearer s3cr3t-token' });
    expect(JSON.parse(withoutAsking.body).checks).toBeUndefined();
  });
});
