import { describe, expect, it } from 'vitest';
import { startWorker } from './helpers/apps.js';

/**
 * Values that pass a format but would break the worker at run time: each is ONE problem naming the
 * key and the rule, exit 78, before anything opens, without a stack trace or a secret.
 */
const SECRET = 'hunter2-worker-bounds';

const CASES: readonly (readonly [Record<string, string>, string, string, RegExp])[] = [
  [{ SHUTDOWN_TIMEOUT: '0' }, 'shutdown.timeout', 'SHUTDOWN_TIMEOUT', /from 1ms to 2147483647ms/],
  [
    { SHUTDOWN_TIMEOUT: '99999999999' },
    'shutdown.timeout',
    'SHUTDOWN_TIMEOUT',
    /longest Node\.js timer/,
  ],
  [
    { SHUTDOWN_TIMEOUT: '45s' },
    'shutdown.timeout',
    'SHUTDOWN_GRACE_PERIOD',
    /smaller than shutdown\.gracePeriod/,
  ],
  [
    { SHUTDOWN_DRAIN_DELAY: '25s' },
    'shutdown.drainDelay',
    'SHUTDOWN_TIMEOUT',
    /smaller than shutdown\.timeout/,
  ],
  [{ DATABASE_POOL_MAX: '0' }, 'database.poolMax', 'DATABASE_POOL_MAX', /at least 1/],
  [
    { DATABASE_POOL_MIN: '3', DATABASE_POOL_MAX: '2' },
    'database.poolMin',
    'DATABASE_POOL_MAX',
    /at most database\.poolMax/,
  ],
  [{ WORKER_CONCURRENCY: '0' }, 'worker.concurrency', 'WORKER_CONCURRENCY', /at least 1/],
  [{ WORKER_LOCK_DURATION: '0' }, 'worker.lockDuration', 'WORKER_LOCK_DURATION', /from 1ms to/],
  [
    { WORKER_STALLED_INTERVAL: '25d' },
    'worker.stalledInterval',
    'WORKER_STALLED_INTERVAL',
    /longest Node\.js timer/,
  ],
  [
    { WORKER_KEEP_FAILED_AGE: '366d' },
    'worker.keepFailedAge',
    'WORKER_KEEP_FAILED_AGE',
    /at most 365d/,
  ],
  [
    { ADMIN_TOKEN: 'too short' },
    'admin.token',
    'ADMIN_TOKEN',
    /at least 16 characters without spaces/,
  ],
];

describe('dist/main.js refuses values that would break the worker at run time', () => {
  it.each(CASES)('%o → %s', async (env, key, variable, rule) => {
    const worker = startWorker('config-bounds', {
      REDIS_URL: `redis://:${SECRET}@127.0.0.1:6379`,
      ...env,
    });
    const timer = setTimeout(() => worker.child.kill('SIGKILL'), 30_000);
    const exit = await worker.exited;
    clearTimeout(timer);
    const stderr = worker.stderr.join('');
    const output = `${JSON.stringify(worker.lines)}${stderr}`;
    expect(exit.code, stderr).toBe(78);
    expect(stderr).toMatch(/^Configuration is invalid \(1 problem\):\n {2}- /);
    const problem = stderr.split('\n')[1] ?? '';
    expect(problem).toContain(key);
    expect(problem).toContain(variable);
    expect(problem).toMatch(rule);
    expect(output).not.toMatch(/\n\s+at \S/);
    expect(output).not.toContain(SECRET);
    if (key === 'admin.token') expect(output).not.toContain('too short');
    expect(worker.lines).toEqual([]);
  });
});
