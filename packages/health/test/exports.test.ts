import { describe, expect, it } from 'vitest';

// The built package is what apps import; the test task builds first.
describe('the built package', () => {
  it('exports the public names of the integration contract', async () => {
    // A computed specifier, so typecheck does not need dist/ to exist yet.
    const built = new URL('../dist/index.js', import.meta.url).href;
    const mod = (await import(built)) as Record<string, unknown>;
    for (const name of [
      'createHealth',
      'knexCheck',
      'redisCheck',
      'bullmqWorkerCheck',
      'eventLoopDelayCheck',
      'heapCheck',
      'HealthError',
    ]) {
      expect(typeof mod[name], name).toBe('function');
    }
    const createHealth = mod.createHealth as (options?: object) => Record<string, unknown>;
    const health = createHealth();
    for (const key of ['draining', 'markStarted', 'run', 'handler', 'on', 'off']) {
      expect(typeof health[key], key).toBe('function');
    }
    for (const probe of ['liveness', 'readiness', 'startup']) {
      expect(typeof (health[probe] as { add: unknown }).add, probe).toBe('function');
    }
  });
});
