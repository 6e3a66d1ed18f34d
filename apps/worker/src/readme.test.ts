import { readFileSync } from 'node:fs';
import { assertReadmeTable } from '@shipshape/config';
import { describe, expect, it } from 'vitest';
import { workerSchema } from './config.js';
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
});
