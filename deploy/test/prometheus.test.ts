import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { find, render } from './lib/kustomize.js';
import { dockerDir, prometheusDir } from './lib/paths.js';
import { promtool } from './lib/promtool.js';
import { allRules, loadRuleGroups } from './lib/rules.js';

const scratch = mkdtempSync(join(tmpdir(), 'shipshape-deploy-prom-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('alert and recording rules', () => {
  it('pass promtool check rules', () => {
    const result = promtool(['check', 'rules', join(prometheusDir, 'rules.yaml')]);
    expect(result.output).toContain('SUCCESS');
    expect(result.status, result.output).toBe(0);
  });

  it('pass their promtool unit tests', () => {
    const result = promtool(['test', 'rules', 'rules.test.yaml'], prometheusDir);
    expect(result.status, result.output).toBe(0);
    expect(result.output).toContain('SUCCESS');
  });

  it('fail the unit tests when an alert threshold changes (the tests can fail)', () => {
    const rules = readFileSync(join(prometheusDir, 'rules.yaml'), 'utf8');
    const broken = rules.replace(
      'bullmq_queue_oldest_waiting_job_age_seconds) > 300',
      'bullmq_queue_oldest_waiting_job_age_seconds) > 900',
    );
    expect(broken).not.toBe(rules);
    writeFileSync(join(scratch, 'rules.yaml'), broken);
    // Only the test of that alert, so this check stays fast.
    const tests = parse(readFileSync(join(prometheusDir, 'rules.test.yaml'), 'utf8')) as {
      tests: { name: string }[];
    };
    tests.tests = tests.tests.filter((t) => t.name.startsWith('oldest waiting job'));
    expect(tests.tests).toHaveLength(1);
    writeFileSync(join(scratch, 'rules.test.yaml'), stringify(tests));
    const result = promtool(['test', 'rules', 'rules.test.yaml'], scratch);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('QueueOldestJobTooOld');
  });

  it('give every alert a severity, a summary, a description and a runbook link', () => {
    const alerts = allRules().filter((r) => r.alert);
    expect(alerts.length).toBeGreaterThanOrEqual(10);
    for (const alert of alerts) {
      expect(['critical', 'warning'], alert.alert).toContain(alert.labels?.severity);
      expect(alert.annotations?.summary, alert.alert).toBeTruthy();
      expect(alert.annotations?.description, alert.alert).toBeTruthy();
      expect(alert.annotations?.runbook, alert.alert).toBe('deploy/README.md#alerts');
    }
  });

  it('cover what the issue names: error and latency burn rates, backlog, job age, failures, flapping, restarts', () => {
    const names = allRules().flatMap((r) => (r.alert ? [r.alert] : []));
    expect(names).toEqual(
      expect.arrayContaining([
        'ApiErrorBudgetBurnFast',
        'ApiErrorBudgetBurnSlow',
        'ApiLatencyBudgetBurnFast',
        'QueueBacklogHigh',
        'QueueOldestJobTooOld',
        'JobFailureRatioHigh',
        'ReadinessFlapping',
        'ProcessRestarting',
      ]),
    );
    // Multi-window: each burn-rate alert pairs a long and a short window of the same ratio.
    for (const rule of allRules().filter((r) => r.alert?.includes('BudgetBurn'))) {
      const windows = [...rule.expr.matchAll(/ratio_rate(\d+[mhd])/g)].map((m) => m[1]);
      expect(new Set(windows).size, rule.alert).toBeGreaterThanOrEqual(2);
    }
  });

  it('have a unit test that makes every alert fire', () => {
    const tests = parse(readFileSync(join(prometheusDir, 'rules.test.yaml'), 'utf8')) as {
      tests: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[];
    };
    const fired = new Set(
      tests.tests.flatMap((t) =>
        (t.alert_rule_test ?? []).filter((a) => a.exp_alerts.length > 0).map((a) => a.alertname),
      ),
    );
    for (const rule of allRules().filter((r) => r.alert))
      expect([...fired], rule.alert).toContain(rule.alert);
  });

  it('are the same in the PrometheusRule as in the plain rule file', () => {
    for (const overlay of ['dev', 'prod']) {
      const rule = find(render(`overlays/${overlay}`), 'PrometheusRule', 'shipshape');
      expect(
        (rule.spec as { groups: unknown }).groups,
        'run `node deploy/scripts/sync-prometheusrule.mjs` after editing deploy/prometheus/rules.yaml',
      ).toEqual(loadRuleGroups());
    }
  });
});

describe('scrape configurations', () => {
  it('the compose Prometheus config passes promtool check config with the rules beside it', () => {
    const dir = mkdtempSync(join(scratch, 'compose-'));
    copyFileSync(join(dockerDir, 'prometheus', 'prometheus.yml'), join(dir, 'prometheus.yml'));
    copyFileSync(join(prometheusDir, 'rules.yaml'), join(dir, 'rules.yaml'));
    const result = promtool(['check', 'config', join(dir, 'prometheus.yml')]);
    expect(result.status, result.output).toBe(0);
    expect(result.output).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('the plain Kubernetes config passes promtool check config (service discovery swapped for a static target)', () => {
    // Debian's promtool is built without Kubernetes service discovery, so kubernetes_sd_configs is
    // replaced by a static target; the relabelling, rule files and the rest are checked as written.
    const config = parse(readFileSync(join(prometheusDir, 'prometheus.yaml'), 'utf8')) as {
      scrape_configs: Record<string, unknown>[];
    };
    for (const job of config.scrape_configs) {
      expect(job.kubernetes_sd_configs).toEqual([
        { role: 'endpoints', namespaces: { names: ['shipshape', 'shipshape-dev'] } },
      ]);
      delete job.kubernetes_sd_configs;
      job.static_configs = [{ targets: ['127.0.0.1:9464'] }];
    }
    const dir = mkdtempSync(join(scratch, 'k8s-'));
    writeFileSync(join(dir, 'prometheus.yaml'), stringify(config));
    copyFileSync(join(prometheusDir, 'rules.yaml'), join(dir, 'rules.yaml'));
    const result = promtool(['check', 'config', join(dir, 'prometheus.yaml')]);
    expect(result.status, result.output).toBe(0);
  });

  it('job names match between compose, the plain config and the ServiceMonitor (Service names)', () => {
    const compose = parse(
      readFileSync(join(dockerDir, 'prometheus', 'prometheus.yml'), 'utf8'),
    ) as {
      scrape_configs: { job_name: string; honor_labels?: boolean }[];
    };
    const services = render('overlays/prod')
      .filter((o) => o.kind === 'Service')
      .map((o) => o.metadata.name)
      .sort();
    const appJobs = compose.scrape_configs.filter((j) => j.job_name.startsWith('shipshape-'));
    expect(appJobs.map((j) => j.job_name).sort()).toEqual(services);
    for (const job of appJobs) expect(job.honor_labels, job.job_name).toBe(true);
    const targetDown = allRules().find((r) => r.alert === 'TargetDown');
    for (const service of services) expect(targetDown?.expr).toContain(service);
  });
});
