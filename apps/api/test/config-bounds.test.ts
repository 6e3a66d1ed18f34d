import { spawnNode } from '@shipshape/testkit';
import { describe, expect, it } from 'vitest';
import { APP_DIR, isolatedEnv, runMigrate, startApp } from './helpers/app-process.js';
import { deleteKeys } from './helpers/redis.js';

/**
 * Values that pass a format but would break at run time: each is ONE problem naming the key and the
 * rule, exit 78, before anything opens, without a stack trace or a secret.
 */
const SECRETS = {
  REDIS_URL: 'redis://:hunter2-bounds@127.0.0.1:6379',
  ADMIN_TOKEN: 'admin-token-secret-0123456789',
};

type Case = readonly [Record<string, string>, string, RegExp];
const SHARED: readonly Case[] = [
  [{ SHUTDOWN_TIMEOUT: '0' }, 'shutdown.timeout', /from 1ms to 2147483647ms/],
  [
    { SHUTDOWN_TIMEOUT: '99999999999' },
    'shutdown.timeout',
    /to 2147483647ms \(the longest Node\.js timer/,
  ],
  [{ SHUTDOWN_TIMEOUT: '2147483648' }, 'shutdown.timeout', /to 2147483647ms/],
  [{ SHUTDOWN_TIMEOUT: '30s' }, 'shutdown.timeout', /must be smaller than shutdown\.gracePeriod/],
  [
    { SHUTDOWN_DRAIN_DELAY: '25s' },
    'shutdown.drainDelay',
    /must be smaller than shutdown\.timeout/,
  ],
  [{ SHUTDOWN_DRAIN_DELAY: '1h' }, 'shutdown.drainDelay', /must be smaller than shutdown\.timeout/],
  [{ SHUTDOWN_GRACE_PERIOD: '0' }, 'shutdown.gracePeriod', /from 1ms to/],
  [{ DATABASE_POOL_MAX: '0' }, 'database.poolMax', /at least 1/],
  [{ DATABASE_POOL_MIN: '11' }, 'database.poolMin', /must be at most database\.poolMax/],
  [
    { DATABASE_POOL_MIN: '5', DATABASE_POOL_MAX: '4' },
    'database.poolMin',
    /must be at most database\.poolMax/,
  ],
  [{ DATABASE_ACQUIRE_TIMEOUT: '0' }, 'database.acquireTimeout', /from 1ms to/],
  [{ ADMIN_TOKEN: 'short-secret' }, 'admin.token', /must be empty or at least 16 characters/],
];
const API_ONLY: readonly Case[] = [
  [{ SERVER_REQUEST_TIMEOUT: '0' }, 'server.requestTimeout', /from 1ms to/],
  [
    { SERVER_HEADERS_TIMEOUT: '31s' },
    'server.headersTimeout',
    /must be at most server\.requestTimeout/,
  ],
  [{ SERVER_KEEP_ALIVE_TIMEOUT: '30d' }, 'server.keepAliveTimeout', /to 2147483647ms/],
  [{ SERVER_PORT: '9464', ADMIN_PORT: '9464' }, 'admin.port', /must differ from server\.port/],
  [{ QUEUE_ENQUEUE_TIMEOUT: '0' }, 'queue.enqueueTimeout', /from 1ms to/],
  [{ QUEUE_JOB_ATTEMPTS: '0' }, 'queue.jobAttempts', /at least 1/],
  [{ QUEUE_FAILED_RETENTION: '400d' }, 'queue.failedRetention', /at most 365d/],
  [
    { OUTBOX_PUBLISH_LEASE: '2s' },
    'outbox.publishLease',
    /must be longer than queue\.enqueueTimeout/,
  ],
];
const MIGRATE: readonly Case[] = [
  [{ DATABASE_POOL_MAX: '0' }, 'database.poolMax', /at least 1/],
  [{ DATABASE_POOL_MIN: '11' }, 'database.poolMin', /must be at most database\.poolMax/],
  [{ DATABASE_ACQUIRE_TIMEOUT: '0' }, 'database.acquireTimeout', /from 1ms to/],
  [{ DATABASE_ACQUIRE_TIMEOUT: '99999999999' }, 'database.acquireTimeout', /to 2147483647ms/],
];

function envName(key: string): string {
  return key
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .replace('.', '_')
    .toUpperCase();
}

function expectOneProblem(
  run: { code: number | null; stdout: string; stderr: string },
  key: string,
  rule: RegExp,
  secrets: readonly string[],
): void {
  expect(run.code, run.stderr).toBe(78);
  expect(run.stderr).toMatch(/^Configuration is invalid \(1 problem\):\n {2}- /);
  const problem = run.stderr.split('\n')[1] ?? '';
  expect(problem).toContain(key);
  expect(problem).toContain(envName(key));
  expect(problem).toMatch(rule);
  expect(run.stderr).toContain('Exiting with code 78 (EX_CONFIG).');
  expect(`${run.stdout}${run.stderr}`).not.toMatch(/\n\s+at \S/);
  for (const secret of secrets) expect(`${run.stdout}${run.stderr}`).not.toContain(secret);
}

async function runMain(env: Record<string, string>) {
  const proc = spawnNode(['dist/main.js'], {
    cwd: APP_DIR,
    env: { PATH: process.env['PATH'] ?? '', ...isolatedEnv(), ...SECRETS, ...env },
  });
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), 30_000);
  const { code } = await proc.exited;
  clearTimeout(timer);
  return { code, stdout: proc.stdout(), stderr: proc.stderr() };
}

describe('dist/main.js refuses values that would break at run time', () => {
  it.each([...SHARED, ...API_ONLY])('%o → %s', async (env, key, rule) => {
    expectOneProblem(await runMain(env), key, rule, [
      'hunter2-bounds',
      ...Object.values(env).filter((v) => v.includes('secret')),
      SECRETS.ADMIN_TOKEN,
    ]);
  });

  it('starts with every bound at its edge', async () => {
    const app = await startApp({
      env: {
        ...isolatedEnv(),
        SHUTDOWN_TIMEOUT: '29999ms',
        SHUTDOWN_DRAIN_DELAY: '29998ms',
        SHUTDOWN_GRACE_PERIOD: '30s',
        DATABASE_POOL_MIN: '1',
        DATABASE_POOL_MAX: '1',
        SERVER_HEADERS_TIMEOUT: '30s',
        SERVER_REQUEST_TIMEOUT: '30s',
        ADMIN_TOKEN: 'x'.repeat(16),
      },
    });
    try {
      expect((await fetch(`${app.adminUrl}/readyz`)).status).toBe(200);
    } finally {
      await app.stop('SIGKILL'); // a graceful stop would wait out the 30 s drain delay
      await deleteKeys(app.env['QUEUE_PREFIX'] ?? 'none');
    }
  });
});

describe('dist/migrate.js refuses them too', () => {
  it.each(MIGRATE)('%o → %s', async (env, key, rule) => {
    const secret = 'pg-secret-77';
    expectOneProblem(
      await runMigrate({ DATABASE_URL: `postgres://app:${secret}@127.0.0.1:1/x`, ...env }),
      key,
      rule,
      [secret],
    );
  });
});
