import { readFileSync } from 'node:fs';
import { assertReadmeTable } from '@shipshape/config/docs';
import { ADMIN_SCHEMA_DEFAULTS } from '@shipshape/config/fragments';
import { TIMER_MAX_MS } from '@shipshape/config/parse';
import { describe, expect, it } from 'vitest';
import { workerSchema } from './config.js';
import { BOARD_MAX_JOBS_PER_PAGE, BOARD_PATH, BOARD_RESPONSE_TIMEOUT_MS } from './queue-board.js';
import { CLOSE_RESERVE_MS, FORCE_WAIT_MS } from './shutdown-budget.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('has the configuration table generated from the schema', () => {
    expect(() => assertReadmeTable(readme, workerSchema)).not.toThrow();
  });

  it('documents the shutdown reserve the code keeps', () => {
    const reserveSeconds = (CLOSE_RESERVE_MS + FORCE_WAIT_MS) / 1000;
    expect(readme).toContain(
      `\`SHUTDOWN_TIMEOUT\` minus ${reserveSeconds} s kept for closing the rest`,
    );
  });

  it('documents every admin endpoint and every env name the contract gives the worker', () => {
    for (const path of [
      '/livez',
      '/readyz',
      '/startupz',
      '/metrics',
      '/admin/log-level',
      '/admin/info',
      BOARD_PATH,
    ]) {
      expect(readme).toContain(`\`${path}\``);
    }
    for (const env of [
      'WORKER_CONCURRENCY',
      'WORKER_PROVIDER_LATENCY',
      'WORKER_LOCK_DURATION',
      'ADMIN_PORT',
    ]) {
      expect(readme).toContain(`\`${env}\``);
    }
  });

  it('documents the admin bind address, the admin token and the timer limit the code uses', () => {
    const host = ADMIN_SCHEMA_DEFAULTS.host.replace(/\./g, '\\.');
    expect(readme).toMatch(new RegExp(`bound to loopback \\(\`ADMIN_HOST\`,\\s+\`${host}\`\\)`));
    const dockerfile = readFileSync(new URL('../../../docker/Dockerfile', import.meta.url), 'utf8');
    expect(dockerfile).toMatch(/^ENV (?:[^\n]*\\\n)*[^\n]*\bADMIN_HOST=0\.0\.0\.0$/m);
    expect(readme).toContain('the container image sets `ADMIN_HOST=0.0.0.0`');
    const minLength = /At least (\d+) characters/.exec(workerSchema.admin.token.doc)?.[1];
    expect(readme).toMatch(new RegExp(`at least ${minLength ?? 'NaN'}\\s+characters, no spaces`));
    const days = Math.floor((TIMER_MAX_MS / 86_400_000) * 10) / 10;
    expect(readme).toMatch(new RegExp(`${String(days).replace('.', '\\.')} days`));
  });

  it('documents the queue board limits the code keeps', () => {
    const seconds = String(BOARD_RESPONSE_TIMEOUT_MS / 1000);
    expect(readme).toMatch(new RegExp(`within ${seconds} s\\s+gets a \`503\``));
    expect(readme).toMatch(new RegExp(`at most ${String(BOARD_MAX_JOBS_PER_PAGE)}\\s+jobs`));
  });
});
