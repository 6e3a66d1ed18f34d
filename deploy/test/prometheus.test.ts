import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { loadCompose } from './lib/compose.js';
import { find, render } from './lib/kustomize.js';
import { dockerDir, overlays, prometheusDir } from './lib/paths.js';
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

/** Every unmarshal error promtool reports, one per line: `line 19: field x not found in type y`. */
function unknownFields(output: string): string[] {
  return [...output.matchAll(/line \d+: field (\w+) not found in type/g)].map((m) => m[1] ?? '');
}

/**
 * The meta labels Kubernetes discovery with `role: endpoints` attaches (Prometheus'
 * configuration reference, kubernetes_sd_config): the endpoints' own, the Service's and the pod's.
 */
const ENDPOINTS_META_LABEL =
  /^__meta_kubernetes_(namespace|endpoints_name|endpoints_(label|labelpresent|annotation|annotationpresent)_\w+|endpoint_(hostname|node_name|ready|port_name|port_protocol|address_target_kind|address_target_name)|service_(name|type|cluster_ip|external_name|port_name|port_protocol|port_number)|service_(label|labelpresent|annotation|annotationpresent)_\w+|pod_(name|ip|ready|phase|node_name|host_ip|uid|controller_kind|controller_name|container_name|container_image|container_id|container_init|container_port_name|container_port_number|container_port_protocol)|pod_(label|labelpresent|annotation|annotationpresent)_\w+)$/;

interface ScrapeJob {
  job_name: string;
  honor_labels?: boolean;
  kubernetes_sd_configs?: { role: string; namespaces?: { names: string[] } }[];
  relabel_configs?: {
    source_labels?: string[];
    regex?: string;
    action?: string;
    target_label?: string;
  }[];
}

describe('scrape configurations', () => {
  const composeConfig = join(dockerDir, 'prometheus', 'prometheus.yml');
  const kubernetesConfig = join(prometheusDir, 'prometheus.yaml');

  it('the compose Prometheus config passes promtool check config as shipped, with the production rules', () => {
    const result = promtool(['check', 'config', composeConfig]);
    expect(result.status, result.output).toBe(0);
    expect(result.output).toContain('SUCCESS: 1 rule files found');
    expect(result.output).toMatch(/SUCCESS: \d+ rules found/);
    // The rule file beside it in the repository is deploy/prometheus/rules.yaml itself (a link)…
    const { rule_files: ruleFiles } = parse(readFileSync(composeConfig, 'utf8')) as {
      rule_files: string[];
    };
    expect(ruleFiles).toEqual(['rules.yaml']);
    expect(realpathSync(join(dockerDir, 'prometheus', 'rules.yaml'))).toBe(
      realpathSync(join(prometheusDir, 'rules.yaml')),
    );
    // …and in the container, where compose mounts the config, the same relative path is where
    // compose mounts that same file.
    const prometheus = loadCompose().services.prometheus;
    const configFlag = prometheus?.command?.find((c) => c.startsWith('--config.file='));
    const containerConfig = configFlag?.slice('--config.file='.length) ?? '';
    const mounts = new Map(
      (prometheus?.volumes ?? []).map((v) => {
        const [source = '', target = ''] = v.split(':');
        return [target, source] as const;
      }),
    );
    expect(mounts.get(containerConfig), 'compose mounts docker/prometheus/prometheus.yml').toBe(
      './prometheus/prometheus.yml',
    );
    for (const file of ruleFiles) {
      const source = mounts.get(posix.join(posix.dirname(containerConfig), file));
      expect(source, `compose mounts a file at ${file} beside the config`).toBeDefined();
      expect(realpathSync(resolve(dockerDir, source ?? ''))).toBe(
        realpathSync(join(prometheusDir, 'rules.yaml')),
      );
    }
  });

  it('the compose config check can fail: a rule file that is not there is reported', () => {
    const dir = mkdtempSync(join(scratch, 'compose-'));
    writeFileSync(join(dir, 'prometheus.yml'), readFileSync(composeConfig, 'utf8'));
    const result = promtool(['check', 'config', join(dir, 'prometheus.yml')]);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('does not point to an existing file');
  });

  it('the plain Kubernetes config, as shipped, fails Debian’s promtool on kubernetes_sd_configs alone', () => {
    // Debian's promtool is built without Kubernetes service discovery: it rejects the
    // kubernetes_sd_configs field as unknown. It lists every unknown field, so that being the only
    // one proves every other field of the file, as written, is one Prometheus knows.
    const result = promtool(['check', 'config', kubernetesConfig]);
    if (result.status === 0) {
      // A promtool built with Kubernetes discovery (upstream's) checks the file completely.
      expect(result.output).toMatch(/SUCCESS: \d+ rules found/);
      return;
    }
    expect(unknownFields(result.output), result.output).toEqual(['kubernetes_sd_configs']);
    expect(result.output.match(/^\s+line \d+:/gm), result.output).toHaveLength(1);
  });

  it('that check can fail: a misspelt field beside kubernetes_sd_configs is reported too', () => {
    const dir = mkdtempSync(join(scratch, 'k8s-typo-'));
    const text = readFileSync(kubernetesConfig, 'utf8');
    const broken = text.replace('honor_labels: true', 'honour_labels: true');
    expect(broken).not.toBe(text);
    writeFileSync(join(dir, 'prometheus.yaml'), broken);
    const result = promtool(['check', 'config', join(dir, 'prometheus.yaml')]);
    expect(result.status).not.toBe(0);
    expect(unknownFields(result.output)).toContain('honour_labels');
  });

  it('the plain Kubernetes config passes promtool check config with discovery replaced by a static target (the README says so)', () => {
    // What Debian's promtool cannot parse is replaced, and only that: kubernetes_sd_configs
    // becomes a static target so the relabelling, the rule files and the rest are validated
    // semantically. The rule files are resolved against deploy/prometheus, where the file lives.
    const config = parse(readFileSync(kubernetesConfig, 'utf8')) as {
      rule_files: string[];
      scrape_configs: Record<string, unknown>[];
    };
    for (const job of config.scrape_configs) {
      expect(job.kubernetes_sd_configs).toBeDefined();
      delete job.kubernetes_sd_configs;
      job.static_configs = [{ targets: ['127.0.0.1:9464'] }];
    }
    config.rule_files = config.rule_files.map((file) => resolve(prometheusDir, file));
    const dir = mkdtempSync(join(scratch, 'k8s-'));
    writeFileSync(join(dir, 'prometheus.yaml'), stringify(config));
    const result = promtool(['check', 'config', join(dir, 'prometheus.yaml')]);
    expect(result.status, result.output).toBe(0);
    expect(result.output).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('the plain Kubernetes config discovers what the overlays deploy: their namespaces, the shipshape Services, their admin port', () => {
    const config = parse(readFileSync(kubernetesConfig, 'utf8')) as {
      scrape_configs: ScrapeJob[];
    };
    const namespaces = overlays
      .flatMap((overlay) => render(`overlays/${overlay}`))
      .filter((o) => o.kind === 'Namespace')
      .map((o) => o.metadata.name)
      .sort();
    const services = overlays
      .flatMap((overlay) => render(`overlays/${overlay}`))
      .filter((o) => o.kind === 'Service');
    expect(config.scrape_configs).toHaveLength(1);
    for (const job of config.scrape_configs) {
      expect(job.honor_labels, job.job_name).toBe(true);
      expect(job.kubernetes_sd_configs).toHaveLength(1);
      const [sd] = job.kubernetes_sd_configs ?? [];
      expect(sd?.role).toBe('endpoints');
      expect([...(sd?.namespaces?.names ?? [])].sort()).toEqual(namespaces);
      const relabel = job.relabel_configs ?? [];
      for (const label of relabel.flatMap((r) => r.source_labels ?? []))
        expect(label, 'a meta label that role: endpoints attaches').toMatch(ENDPOINTS_META_LABEL);
      // The keep rules select every shipshape Service by its label, and its admin port by name.
      const keep = (sourceLabel: string) =>
        relabel.find((r) => r.action === 'keep' && r.source_labels?.[0] === sourceLabel)?.regex;
      const partOf = keep('__meta_kubernetes_service_label_app_kubernetes_io_part_of');
      const portName = keep('__meta_kubernetes_endpoint_port_name');
      expect(services.length).toBeGreaterThanOrEqual(4);
      for (const service of services) {
        expect(service.metadata.labels?.['app.kubernetes.io/part-of']).toBe(partOf);
        const ports = (service.spec as { ports: { name: string }[] }).ports.map((p) => p.name);
        expect(ports, service.metadata.name).toContain(portName);
      }
      // job = the Service's name, as the ServiceMonitor and the TargetDown alert expect.
      expect(relabel).toContainEqual({
        source_labels: ['__meta_kubernetes_service_name'],
        target_label: 'job',
      });
    }
    expect('__meta_kubernetes_service_lable_x').not.toMatch(ENDPOINTS_META_LABEL);
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
