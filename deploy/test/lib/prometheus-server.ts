import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '@shipshape/testkit';
import { stringify } from 'yaml';
import { promtool } from './promtool.js';

/** Debian's `prometheus` package: the same package as promtool (scripts/system-packages.txt). */
export const PROMETHEUS_BINARY = '/usr/bin/prometheus';

/** One scrape job: a Kubernetes Service name, its targets and the target labels Kubernetes adds. */
export interface ScrapeJob {
  readonly job: string;
  readonly targets: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
}

export interface PrometheusOptions {
  /** A private directory: the configuration, the rule files and the TSDB go here. */
  readonly dir: string;
  readonly scrapeIntervalMs: number;
  readonly evaluationIntervalMs: number;
  readonly jobs: readonly ScrapeJob[];
  /** Rule files to write into `dir` and load, by file name. */
  readonly ruleFiles: Readonly<Record<string, string>>;
}

export interface Sample {
  readonly metric: Record<string, string>;
  readonly value: number;
}
export interface Alert {
  readonly labels: Record<string, string>;
  readonly state: 'pending' | 'firing';
  readonly activeAt: string;
  readonly value: string;
}
export interface RuleStatus {
  readonly type: 'alerting' | 'recording';
  readonly name: string;
  readonly health: string;
  readonly lastError?: string;
  readonly state?: string;
}
export interface TargetStatus {
  readonly labels: Record<string, string>;
  readonly health: 'up' | 'down' | 'unknown';
  readonly lastError: string;
}

/** A Prometheus server this test owns, and the parts of its HTTP API the checks use. */
export interface PrometheusServer {
  readonly url: string;
  readonly configFile: string;
  /** `/api/v1/query`: an instant vector (a scalar comes back as one sample without labels). */
  query(expr: string, atMs?: number): Promise<Sample[]>;
  /** `/api/v1/label/<label>/values?match[]=…`: what Grafana's `label_values()` variables read. */
  labelValues(label: string, selector: string): Promise<string[]>;
  /** `/api/v1/alerts`: the alerts that are pending or firing now. */
  alerts(): Promise<Alert[]>;
  rules(): Promise<RuleStatus[]>;
  targets(): Promise<TargetStatus[]>;
  output(): string;
  stop(): Promise<void>;
}

function seconds(ms: number): string {
  return ms % 1_000 === 0 ? `${ms / 1_000}s` : `${ms}ms`;
}

/**
 * The configuration a test's Prometheus runs with: the production scrape settings
 * (deploy/prometheus/prometheus.yaml: `/metrics`, `honor_labels`, job = Service name) with static
 * targets and the labels Kubernetes service discovery would add (`namespace`, `pod`).
 */
export function prometheusConfig(options: Omit<PrometheusOptions, 'dir'>): string {
  return stringify({
    global: {
      scrape_interval: seconds(options.scrapeIntervalMs),
      scrape_timeout: seconds(options.scrapeIntervalMs),
      evaluation_interval: seconds(options.evaluationIntervalMs),
    },
    rule_files: Object.keys(options.ruleFiles),
    scrape_configs: options.jobs.map((job) => ({
      job_name: job.job,
      metrics_path: '/metrics',
      honor_labels: true,
      static_configs: [{ targets: job.targets, labels: job.labels }],
    })),
  });
}

async function api<T>(base: string, path: string, params: Record<string, string> = {}): Promise<T> {
  const url = new URL(path, base);
  for (const [key, value] of Object.entries(params)) url.searchParams.append(key, value);
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  const body = (await response.json()) as { status: string; data: T; error?: string };
  if (body.status !== 'success')
    throw new Error(
      `Prometheus ${path} ${JSON.stringify(params)}: ${body.error ?? response.status}`,
    );
  return body.data;
}

/**
 * Starts `prometheus` on a free loopback port with the configuration above (checked by
 * `promtool check config` first) and waits until it is ready. Stop it with `stop()`.
 */
export async function startPrometheus(options: PrometheusOptions): Promise<PrometheusServer> {
  if (!existsSync(PROMETHEUS_BINARY)) {
    throw new Error(
      `${PROMETHEUS_BINARY} is missing: install Debian's prometheus package (scripts/setup.sh does; it also provides promtool)`,
    );
  }
  for (const [name, content] of Object.entries(options.ruleFiles))
    writeFileSync(join(options.dir, name), content);
  const configFile = join(options.dir, 'prometheus.yml');
  writeFileSync(configFile, prometheusConfig(options));
  const check = promtool(['check', 'config', configFile]);
  if (check.status !== 0)
    throw new Error(`the generated configuration is invalid:\n${check.output}`);

  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const chunks: string[] = [];
  const child: ChildProcess = spawn(
    PROMETHEUS_BINARY,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(options.dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // Nothing leaves the machine: no Alertmanager is configured, and no remote storage.
      '--log.level=warn',
    ],
    { cwd: options.dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  const exited = once(child, 'exit');
  const output = (): string => chunks.join('').slice(-8_000);

  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const done = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
    if (!done) {
      child.kill('SIGKILL');
      await exited;
    }
  };

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited during start-up:\n${output()}`);
    const ready = await fetch(new URL('-/ready', url), { signal: AbortSignal.timeout(1_000) }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus was not ready within 30 s:\n${output()}`);
    }
    await sleep(100);
  }

  return {
    url,
    configFile,
    async query(expr, atMs) {
      const data = await api<{
        resultType: string;
        result: { metric: Record<string, string>; value: [number, string] }[] | [number, string];
      }>(url, 'api/v1/query', {
        query: expr,
        ...(atMs === undefined ? {} : { time: String(atMs / 1_000) }),
      });
      if (data.resultType === 'scalar') {
        const [, value] = data.result as [number, string];
        return [{ metric: {}, value: Number(value) }];
      }
      return (data.result as { metric: Record<string, string>; value: [number, string] }[]).map(
        (r) => ({ metric: r.metric, value: Number(r.value[1]) }),
      );
    },
    labelValues: (label, selector) =>
      api<string[]>(url, `api/v1/label/${label}/values`, { 'match[]': selector }),
    alerts: async () => (await api<{ alerts: Alert[] }>(url, 'api/v1/alerts')).alerts,
    rules: async () =>
      (await api<{ groups: { rules: RuleStatus[] }[] }>(url, 'api/v1/rules')).groups.flatMap(
        (g) => g.rules,
      ),
    targets: async () =>
      (await api<{ activeTargets: TargetStatus[] }>(url, 'api/v1/targets')).activeTargets,
    output,
    stop,
  };
}
