import { describe, expect, it, vi } from 'vitest';
import { HealthError } from './errors.js';
import { createHealth, DRAINING_OUTPUT, STARTING_OUTPUT } from './health.js';
import type { CheckEvent, HealthCheckEntry, HealthLogger } from './types.js';

const never = (): Promise<void> => new Promise<void>(() => undefined);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function entry(
  checks: Record<string, HealthCheckEntry[]> | undefined,
  name: string,
): HealthCheckEntry {
  const found = checks?.[`${name}:responseTime`]?.[0];
  if (found === undefined) throw new Error(`no check entry for ${name}`);
  return found;
}

function recordingLogger(): HealthLogger & { lines: { level: string; message: string }[] } {
  const lines: { level: string; message: string }[] = [];
  const log = (level: string) => (message: string) => lines.push({ level, message });
  return { lines, error: log('error'), warn: log('warn'), info: log('info'), debug: log('debug') };
}

describe('lifecycle', () => {
  it('fails readiness and startup until markStarted(), while liveness passes', async () => {
    const health = createHealth();
    expect(health.state).toBe('starting');
    expect((await health.run('liveness')).status).toBe('pass');
    const ready = await health.run('readiness');
    expect(ready).toMatchObject({ status: 'fail', output: STARTING_OUTPUT });
    expect((await health.run('startup')).status).toBe('fail');
    health.markStarted();
    expect(health.state).toBe('started');
    expect((await health.run('readiness')).status).toBe('pass');
    expect((await health.run('startup')).status).toBe('pass');
  });

  it('does not run readiness checks before start or while draining', async () => {
    const health = createHealth({ cacheTtlMs: 0 });
    const check = vi.fn(() => Promise.resolve());
    health.readiness.add('db', check);
    await health.run('readiness');
    expect(check).not.toHaveBeenCalled();
    health.markStarted();
    await health.run('readiness');
    expect(check).toHaveBeenCalledTimes(1);
    health.draining();
    expect(await health.run('readiness')).toMatchObject({
      status: 'fail',
      output: DRAINING_OUTPUT,
    });
    expect(check).toHaveBeenCalledTimes(1);
    expect((await health.run('liveness')).status).toBe('pass');
    expect((await health.run('startup')).status).toBe('pass');
  });

  it('fails a readiness run that was in flight when draining() was called', async () => {
    const health = createHealth();
    health.markStarted();
    let release: () => void = () => undefined;
    health.readiness.add('slow', () => new Promise<void>((resolve) => (release = resolve)));
    const pending = health.run('readiness');
    await sleep(10);
    health.draining();
    release();
    expect((await pending).status).toBe('fail');
  });
});

describe('checks', () => {
  it('fails on a critical failure and warns (HTTP 200 class) on a non-critical one', async () => {
    const health = createHealth({ cacheTtlMs: 0 });
    health.markStarted();
    health.readiness.add('cache', () => Promise.reject(new Error('cache down')), {
      critical: false,
    });
    const warned = await health.run('readiness');
    expect(warned.status).toBe('warn');
    expect(entry(warned.checks, 'cache')).toMatchObject({
      status: 'warn',
      critical: false,
      output: 'cache down',
    });
    health.readiness.add('db', () => Promise.reject(new Error('db down')));
    const failed = await health.run('readiness');
    expect(failed.status).toBe('fail');
    expect(entry(failed.checks, 'db')).toMatchObject({
      status: 'fail',
      critical: true,
      output: 'db down',
    });
  });

  it('runs checks in parallel', async () => {
    const health = createHealth();
    health.markStarted();
    let started = 0;
    let allStarted: () => void = () => undefined;
    const barrier = new Promise<void>((resolve) => (allStarted = resolve));
    const check = async (): Promise<void> => {
      started += 1;
      if (started === 3) allStarted();
      await barrier; // sequential execution would never get past this and time out
    };
    for (const name of ['a', 'b', 'c']) health.readiness.add(name, check, { timeoutMs: 1000 });
    const result = await health.run('readiness');
    expect(result.status).toBe('pass');
    expect(started).toBe(3);
  });

  it('fails a check that never settles at its timeout, and aborts its signal', async () => {
    const health = createHealth({ cacheTtlMs: 0 });
    let signal: AbortSignal | undefined;
    health.liveness.add(
      'hang',
      (context) => {
        signal = context.signal;
        return never();
      },
      { timeoutMs: 150 },
    );
    const startedAt = Date.now();
    const result = await health.run('liveness');
    const elapsed = Date.now() - startedAt;
    expect(result.status).toBe('fail');
    expect(entry(result.checks, 'hang').output).toBe('timed out after 150 ms');
    expect(elapsed).toBeGreaterThanOrEqual(140);
    expect(elapsed).toBeLessThan(150 + 1000);
    expect(signal?.aborted).toBe(true);
  });

  it('does not call a still-hanging check again; later runs wait on the same call', async () => {
    const health = createHealth({ cacheTtlMs: 0 });
    const check = vi.fn(never);
    health.liveness.add('hang', check, { timeoutMs: 50 });
    await health.run('liveness');
    const second = await health.run('liveness');
    expect(check).toHaveBeenCalledTimes(1);
    expect(entry(second.checks, 'hang').output).toMatch(
      /previous call has been running for \d+ ms/,
    );
  });

  it('turns a synchronous throw or a non-Error rejection into a failure', async () => {
    const health = createHealth();
    health.liveness.add('sync', () => {
      throw new Error('boom');
    });
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the case under test
    health.liveness.add('string', () => Promise.reject('plain string'));
    health.liveness.add('empty', () => Promise.reject(new Error('')));
    const result = await health.run('liveness');
    expect(entry(result.checks, 'sync')).toMatchObject({ status: 'fail', output: 'boom' });
    expect(entry(result.checks, 'string')).toMatchObject({
      status: 'fail',
      output: 'plain string',
    });
    expect(entry(result.checks, 'empty')).toMatchObject({ status: 'fail', output: 'Error' });
  });

  it('lets a check report a warning and details', async () => {
    const health = createHealth();
    health.liveness.add('heap', () =>
      Promise.resolve({ status: 'warn', output: 'nearly full', usedBytes: 5 }),
    );
    health.liveness.add('db', () => Promise.resolve({ poolUsed: 2 }));
    const result = await health.run('liveness');
    expect(result.status).toBe('warn');
    expect(entry(result.checks, 'heap')).toMatchObject({
      status: 'warn',
      output: 'nearly full',
      details: { usedBytes: 5 },
    });
    expect(entry(result.checks, 'db')).toMatchObject({
      status: 'pass',
      details: { poolUsed: 2 },
      observedUnit: 'ms',
    });
  });

  it('rejects duplicate names, non-functions, bad timeouts and targets with coded errors', async () => {
    const health = createHealth();
    health.readiness.add('db', () => Promise.resolve());
    expect(() => health.readiness.add('db', () => Promise.resolve())).toThrow(
      expect.objectContaining({ code: 'HEALTH_DUPLICATE_CHECK' }),
    );
    expect(() => health.readiness.add('x', 'nope' as never)).toThrow(HealthError);
    expect(() => health.readiness.add('y', () => Promise.resolve(), { timeoutMs: 0 })).toThrow(
      expect.objectContaining({ code: 'HEALTH_INVALID_OPTION' }),
    );
    expect(health.readiness.remove('db')).toBe(true);
    expect(health.readiness.names()).toEqual([]);
    expect(() => createHealth({ cacheTtlMs: -1 })).toThrow(
      expect.objectContaining({ code: 'HEALTH_INVALID_OPTION' }),
    );
    expect(() => createHealth({ verbose: { token: '' } })).toThrow(HealthError);
    await expect(health.run('everything' as never)).rejects.toMatchObject({
      code: 'HEALTH_INVALID_OPTION',
    });
  });
});

describe('probe-storm protection', () => {
  it('shares one in-flight run between concurrent callers and reuses it for the TTL', async () => {
    const health = createHealth(); // the default TTL of 1 s
    health.markStarted();
    const check = vi.fn(async () => {
      await sleep(30);
    });
    health.readiness.add('db', check);
    let events = 0;
    health.on('check', () => (events += 1));
    const results = await Promise.all(Array.from({ length: 20 }, () => health.run('readiness')));
    expect(check).toHaveBeenCalledTimes(1);
    expect(events).toBe(1);
    expect(new Set(results.map((r) => entry(r.checks, 'db').time)).size).toBe(1);
    await health.run('readiness');
    expect(check).toHaveBeenCalledTimes(1);
    await sleep(1100);
    await health.run('readiness');
    expect(check).toHaveBeenCalledTimes(2);
  });

  it('re-runs every time when cacheTtlMs is 0', async () => {
    const health = createHealth({ cacheTtlMs: 0 });
    const check = vi.fn(() => Promise.resolve());
    health.liveness.add('x', check);
    await health.run('liveness');
    await health.run('liveness');
    expect(check).toHaveBeenCalledTimes(2);
  });
});

describe('events and logs', () => {
  it('emits one event per check execution, not per cache hit, and survives a throwing listener', async () => {
    const health = createHealth();
    const events: CheckEvent[] = [];
    health.on('check', () => {
      throw new Error('listener bug');
    });
    health.on('check', (event) => events.push(event));
    health.liveness.add('ok', () => Promise.resolve());
    health.liveness.add('bad', () => Promise.reject(new Error('x')), { critical: false });
    await health.run('liveness');
    await health.run('liveness');
    expect(events).toHaveLength(2);
    expect(events).toContainEqual({
      probe: 'liveness',
      name: 'ok',
      status: 'pass',
      durationMs: expect.any(Number),
    });
    expect(events).toContainEqual(
      expect.objectContaining({ probe: 'liveness', name: 'bad', status: 'warn' }),
    );
  });

  it('logs status transitions only', async () => {
    const logger = recordingLogger();
    const health = createHealth({ logger, cacheTtlMs: 0 });
    let up = true;
    health.liveness.add('dep', () => (up ? Promise.resolve() : Promise.reject(new Error('down'))));
    await health.run('liveness');
    up = false;
    await health.run('liveness');
    await health.run('liveness');
    up = true;
    await health.run('liveness');
    const messages = logger.lines.map((l) => `${l.level}:${l.message}`);
    expect(messages).toEqual([
      'error:health: liveness check "dep" failed',
      'info:health: liveness check "dep" recovered',
    ]);
  });
});

describe('run("health")', () => {
  it('combines all three probes and their lifecycle', async () => {
    const health = createHealth();
    health.liveness.add('loop', () => Promise.resolve());
    health.readiness.add('db', () => Promise.resolve());
    const starting = await health.run('health');
    expect(starting).toMatchObject({ status: 'fail', output: STARTING_OUTPUT });
    health.markStarted();
    const started = await health.run('health');
    expect(started.status).toBe('pass');
    expect(Object.keys(started.checks ?? {}).sort()).toEqual([
      'db:responseTime',
      'loop:responseTime',
    ]);
  });
});
