import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { expressions, loadDashboards, panels, variableMetrics } from './lib/dashboards.js';
import { ALL, interpolate } from './lib/grafana.js';
import { metricNames } from './lib/promql.js';
import { promtool } from './lib/promtool.js';
import { recordedNames } from './lib/rules.js';

const dashboards = loadDashboards();
const scratch = mkdtempSync(join(tmpdir(), 'shipshape-deploy-dash-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('Grafana dashboards', () => {
  it('are the API and the worker dashboards, with stable unique uids', () => {
    expect(dashboards.map((d) => d.uid)).toEqual(['shipshape-api', 'shipshape-worker']);
  });

  it.each(dashboards.map((d) => [d.file, d] as const))(
    '%s: panels have unique ids, fit the grid and query something',
    (_, dashboard) => {
      const all = panels(dashboard);
      expect(new Set(all.map((p) => p.id)).size).toBe(all.length);
      for (const panel of all) {
        expect(panel.gridPos.x + panel.gridPos.w, panel.title).toBeLessThanOrEqual(24);
        if (panel.type === 'row') continue;
        expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
        const refIds = (panel.targets ?? []).map((t) => t.refId);
        expect(new Set(refIds).size, panel.title).toBe(refIds.length);
      }
      // The data source is a variable, so the dashboards import into any Grafana.
      expect(dashboard.templating.list.find((v) => v.name === 'datasource')?.type).toBe(
        'datasource',
      );
    },
  );

  it('use only valid PromQL (every panel query checked by promtool as a recording rule)', () => {
    const rules = dashboards.flatMap((d) =>
      expressions(d).map((expr, i) => ({
        record: `dashboard_check:${d.uid.replace(/-/g, '_')}:${i}`,
        // Grafana's variables, as Grafana substitutes them ("All" selected, compose's data source).
        expr: interpolate(expr, d, {
          scrapeIntervalMs: 15_000,
          rangeMs: 3 * 3_600_000,
          maxDataPoints: 1_000,
          variables: Object.fromEntries(d.templating.list.map((v) => [v.name, ALL])),
        }),
      })),
    );
    expect(rules.length).toBeGreaterThan(30);
    const file = join(scratch, 'dashboards.rules.yaml');
    writeFileSync(file, stringify({ groups: [{ name: 'dashboards', rules }] }));
    const result = promtool(['check', 'rules', file]);
    expect(result.status, result.output).toBe(0);
  });

  it('refer only to recording rules that rules.yaml defines', () => {
    const recorded = recordedNames();
    for (const dashboard of dashboards) {
      for (const name of expressions(dashboard).flatMap(metricNames)) {
        if (name.includes(':')) expect([...recorded], `${dashboard.file}: ${name}`).toContain(name);
      }
    }
  });

  it('show what the issue asks for: RED by route, queue depth and age, job duration and outcomes, event loop, heap, health, shutdown', () => {
    const used = new Set(
      dashboards.flatMap((d) => [...expressions(d).flatMap(metricNames), ...variableMetrics(d)]),
    );
    for (const name of [
      'http_server_request_duration_seconds_count',
      'http_server_request_duration_seconds_bucket',
      'bullmq_queue_jobs',
      'bullmq_queue_oldest_waiting_job_age_seconds',
      'bullmq_job_duration_seconds_bucket',
      'bullmq_jobs_completed_total',
      'bullmq_jobs_failed_total',
      'nodejs_eventloop_lag_p99_seconds',
      'nodejs_heap_size_used_bytes',
      'health_check_status',
      'shutdown_phase_duration_seconds',
      'shutdown_hook_duration_seconds',
    ]) {
      expect([...used], name).toContain(name);
    }
    const api = dashboards.find((d) => d.uid === 'shipshape-api')!;
    expect(expressions(api).some((e) => e.includes('by (http_request_method, http_route)'))).toBe(
      true,
    );
  });
});
