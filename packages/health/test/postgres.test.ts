import knex, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { knexCheck } from '../src/checks/index.js';
import { createHealth, type Health } from '../src/index.js';
import { DEFAULTS } from '../src/options.js';
import { serve, waitFor, type Probe } from './helpers.js';
import { startPostgresCluster, type PostgresCluster } from '@shipshape/testkit';

const quiet = (): void => undefined;
const BUDGET_MS = DEFAULTS.timeoutMs + DEFAULTS.cacheTtlMs;
const PASSWORD = 'pg-password-must-not-leak';

let cluster: PostgresCluster;
let db: Knex;
let health: Health;
let probe: Probe;

beforeAll(async () => {
  const startedAt = Date.now();
  cluster = await startPostgresCluster();
  process.stdout.write(`private PostgreSQL cluster ready in ${Date.now() - startedAt} ms\n`);
  // Trust auth ignores the password; it is here so the test can prove it never reaches a response.
  db = knex({
    client: 'pg',
    connection: `postgres://postgres:${PASSWORD}@127.0.0.1:${cluster.port}/postgres`,
    pool: { min: 0, max: 2 },
    // knex prints connection errors itself; they are expected while the server is stopped.
    log: { warn: quiet, error: quiet, debug: quiet, deprecate: quiet },
  });
  health = createHealth({ verbose: 'always' });
  health.readiness.add('db', knexCheck(db));
  health.markStarted();
  probe = await serve(health.handler);
}, 60_000);

afterAll(async () => {
  await probe.close();
  await db.destroy();
  await cluster.destroy();
}, 60_000);

const readyIs = (status: number) => async () => (await probe.get('/readyz')).status === status;

describe('knexCheck against a private PostgreSQL cluster', () => {
  it('passes with pool details while the server answers', async () => {
    await waitFor('readiness 200', readyIs(200), 5000);
    const body = JSON.parse((await probe.get('/readyz?verbose')).body);
    expect(body.checks['db:responseTime'][0]).toMatchObject({
      status: 'pass',
      details: {
        poolUsed: expect.any(Number),
        poolFree: expect.any(Number),
        poolPendingAcquires: 0,
      },
    });
  });

  it('turns readiness 503 within timeout + TTL of a stop, liveness stays 200, and recovers on restart', async () => {
    await waitFor('readiness 200', readyIs(200), 5000);
    const stoppedAt = Date.now();
    await cluster.stop('immediate');
    const elapsed = await waitFor('readiness 503 after stop', readyIs(503), BUDGET_MS + 5000);
    const sinceStop = Date.now() - stoppedAt;
    process.stdout.write(
      `stopped PostgreSQL: readiness 503 after ${elapsed} ms (${sinceStop} ms since stop began)\n`,
    );
    expect(elapsed).toBeLessThanOrEqual(BUDGET_MS);
    expect((await probe.get('/livez')).status).toBe(200);

    const response = await probe.get('/readyz?verbose');
    expect(response.body).not.toContain(PASSWORD);
    expect(response.body).not.toMatch(/\n\s+at /);
    const failed = JSON.parse(response.body).checks['db:responseTime'][0];
    expect(failed.status).toBe('fail');
    expect(failed.output.length).toBeGreaterThan(0);

    await cluster.start();
    const recovered = await waitFor('readiness 200 after restart', readyIs(200), BUDGET_MS + 5000);
    process.stdout.write(`restarted PostgreSQL: readiness 200 after ${recovered} ms\n`);
  });
});
