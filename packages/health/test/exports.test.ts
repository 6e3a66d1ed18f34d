import { describe, expect, it } from 'vitest';

// The built package is what apps import; the test task builds first.
// Computed specifiers, so typecheck does not need dist/ to exist yet.
async function load(entry: string): Promise<Record<string, unknown>> {
  return (await import(new URL(`../dist/${entry}`, import.meta.url).href)) as Record<
    string,
    unknown
  >;
}

describe('the built package', () => {
  it('exports the factory, its error class and guard from the root, and nothing else at run time', async () => {
    const root = await load('index.js');
    expect(Object.keys(root).sort()).toEqual(['HealthError', 'createHealth', 'isHealthError']);
    const createHealth = root.createHealth as (options?: object) => Record<string, unknown>;
    const health = createHealth();
    for (const key of ['draining', 'markStarted', 'run', 'handler', 'on', 'off']) {
      expect(typeof health[key], key).toBe('function');
    }
    for (const probe of ['liveness', 'readiness', 'startup']) {
      expect(typeof (health[probe] as { add: unknown }).add, probe).toBe('function');
    }
    const isHealthError = root.isHealthError as (error: unknown) => boolean;
    let thrown: unknown;
    try {
      createHealth({ timeoutMs: -1 });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(root.HealthError as new () => Error);
    expect(isHealthError(thrown)).toBe(true);
    expect(isHealthError(new Error('other'))).toBe(false);
  });

  it('exports the ready-made checks from @shipshape/health/checks', async () => {
    const checks = await load('checks/index.js');
    expect(Object.keys(checks).sort()).toEqual([
      'bullmqWorkerCheck',
      'eventLoopDelayCheck',
      'heapCheck',
      'knexCheck',
      'redisCheck',
    ]);
  });
});
