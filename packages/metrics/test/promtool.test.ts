import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { samples } from './helpers.js';

const run = promisify(execFile);
const fixture = new URL('./fixtures/all-collectors.mjs', import.meta.url).pathname;

function findPromtool(): string {
  const candidates = [
    '/usr/bin/promtool',
    ...(process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'promtool')),
  ];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found === undefined) {
    throw new Error(
      'promtool is not installed (looked in /usr/bin and PATH). Run the set-up script (`pnpm setup`, i.e. scripts/setup.sh), which installs the Debian `prometheus` package that provides promtool.',
    );
  }
  return found;
}

/** Every metric family dashboards and alerts rely on (contracts.md). */
const CONTRACT_FAMILIES = [
  'http_server_request_duration_seconds_bucket',
  'http_server_active_requests',
  'db_client_operation_duration_seconds_bucket',
  'db_client_connection_count',
  'db_client_connection_pending_requests',
  'db_client_connection_max',
  'bullmq_queue_jobs',
  'bullmq_queue_oldest_waiting_job_age_seconds',
  'bullmq_job_duration_seconds_bucket',
  'bullmq_job_wait_duration_seconds_bucket',
  'bullmq_jobs_completed_total',
  'bullmq_jobs_failed_total',
  'bullmq_jobs_stalled_total',
  'bullmq_scrape_errors_total',
  'health_check_status',
  'health_check_duration_seconds',
  'shutdown_phase_duration_seconds',
  'shutdown_hook_duration_seconds',
  'metrics_series_overflow_total',
  'build_info',
  'nodejs_eventloop_lag_p99_seconds',
  'process_resident_memory_bytes',
  'nodejs_heap_size_used_bytes',
];

describe('output with every collector enabled', () => {
  it('passes promtool check metrics and carries every contract family', async () => {
    const promtool = findPromtool();
    const { stdout } = await run(process.execPath, [fixture], {
      timeout: 30_000,
      maxBuffer: 32 * 1024 * 1024,
    });
    const { text, openMetrics } = JSON.parse(stdout) as { text: string; openMetrics: string };

    const lint = spawnSync(promtool, ['check', 'metrics'], {
      input: text,
      encoding: 'utf8',
      timeout: 10_000,
    });
    expect(lint.error).toBeUndefined();
    expect(`${lint.stdout}${lint.stderr}`.trim()).toBe('');
    expect(lint.status).toBe(0);

    for (const family of CONTRACT_FAMILIES)
      expect(samples(text, family).length, family).toBeGreaterThan(0);
    for (const line of samples(text, 'build_info')) {
      expect(line).toMatch(/version="1\.0\.0"/);
      expect(line).toMatch(/commit="abc123"/);
      expect(line).toMatch(/node_version="v\d+/);
    }
    for (const line of text.split('\n').filter((l) => l !== '' && !l.startsWith('#'))) {
      expect(line).toMatch(/service="fixture"/);
    }
    expect(text).not.toMatch(/nodejs_active_(handles|requests|resources)_total/);
    expect(text).not.toContain('trace_id');
    const routes = samples(text, 'http_server_request_duration_seconds_count').map(
      (l) => /http_route="([^"]*)"/.exec(l)?.[1],
    );
    expect(new Set(routes)).toEqual(new Set(['/orders/:orderId/items/:itemId', 'unmatched']));

    expect(openMetrics.endsWith('# EOF\n')).toBe(true);
    expect(openMetrics).toMatch(/^# TYPE bullmq_jobs_completed counter$/m);
    expect(openMetrics).toMatch(
      /^http_server_request_duration_seconds_bucket\{.*\} \d+ # \{trace_id="[0-9a-f]{32}"\} /m,
    );
  });

  it('fails lint on prom-client defaults as shipped (the check can fail)', () => {
    const promtool = findPromtool();
    const bad =
      '# HELP nodejs_active_handles_total x\n# TYPE nodejs_active_handles_total gauge\nnodejs_active_handles_total 1\n';
    const lint = spawnSync(promtool, ['check', 'metrics'], {
      input: bad,
      encoding: 'utf8',
      timeout: 10_000,
    });
    expect(lint.status).not.toBe(0);
    expect(`${lint.stdout}${lint.stderr}`).toContain(
      'non-counter metrics should not have "_total" suffix',
    );
  });
});
