import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appDefaults } from './lib/app-config.js';
import { loadCompose } from './lib/compose.js';
import { expressions, loadDashboards, panels, variableMetrics } from './lib/dashboards.js';
import { parseDockerfile, readDockerfile } from './lib/dockerfile.js';
import { parseDurationMs } from './lib/duration.js';
import { containerEnvironment, deploymentEnvironment } from './lib/environment.js';
import { parseExposition, type Exposition } from './lib/exposition.js';
import { find, render } from './lib/kustomize.js';
import { groupingLabels, selectors, type Selector } from './lib/promql.js';
import { allRules, recordedNames } from './lib/rules.js';
import { repoDir } from './lib/paths.js';
import { freePort, startApp, stopApp, waitFor200, type RunningApp } from './lib/running-app.js';
import { containerPort, onlyContainer, workloads } from './lib/workloads.js';

/** Series Prometheus makes itself, and labels it adds to every target; the apps never expose them. */
const PROMETHEUS_SERIES = new Set(['up']);
const TARGET_LABELS = new Set(['namespace', 'pod', 'instance', 'job', 'container', 'endpoint']);
/** The scrape jobs (Kubernetes Service names) and the app behind each. */
const JOBS = { 'shipshape-api': 'api', 'shipshape-worker': 'worker' } as const;

const scratch = mkdtempSync(join(tmpdir(), 'shipshape-deploy-apps-'));
const queuePrefix = `deploy-check-${process.pid}-${Date.now()}`;
const running: Partial<Record<'api' | 'worker', RunningApp>> = {};
const ports = { apiHttp: 0, apiAdmin: 0, workerAdmin: 0 };
const scraped: Partial<Record<'api' | 'worker', Exposition>> = {};
const textFormat: Partial<Record<'api' | 'worker', string>> = {};
const stopped: Partial<Record<'api' | 'worker', { code: number | string; elapsedMs: number }>> = {};
const prod = render('overlays/prod');

function adminUrl(app: 'api' | 'worker', path: string): string {
  return `http://127.0.0.1:${app === 'api' ? ports.apiAdmin : ports.workerAdmin}${path}`;
}

/** The Accept header Prometheus 2.x scrapes with: OpenMetrics first, the text format as fallback. */
const PROMETHEUS_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

async function scrape(app: 'api' | 'worker', accept = PROMETHEUS_ACCEPT): Promise<string> {
  const response = await fetch(adminUrl(app, '/metrics'), {
    headers: { accept },
    signal: AbortSignal.timeout(5_000),
  });
  expect(response.status).toBe(200);
  return response.text();
}

/** The environment a Deployment gives its app, with the test's own ports, files and Redis prefix. */
function environmentFor(app: 'api' | 'worker'): Record<string, string> {
  return {
    // The embedded SQLite file here instead of the Secret's DATABASE_URL.
    ...deploymentEnvironment(prod, app),
    NODE_ENV: 'production',
    DATABASE_FILE: join(scratch, 'shipshape.sqlite'),
    REDIS_URL: 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: queuePrefix,
    GIT_COMMIT: 'cafe0123',
    ADMIN_PORT: String(app === 'api' ? ports.apiAdmin : ports.workerAdmin),
    ...(app === 'api' ? { SERVER_PORT: String(ports.apiHttp) } : {}),
  };
}

/** Runs the migration Job's container args in apps/api with the Job's environment (SQLite here). */
function runMigrationJob(): { args: string[]; status: number | null; output: string } {
  const job = workloads(prod).find((w) => w.kind === 'Job' && w.name === 'shipshape-migrate')!;
  const container = onlyContainer(job);
  const environment = Object.fromEntries(containerEnvironment(container, prod));
  delete environment.DATABASE_URL_FILE;
  const args = container.args ?? [];
  const [command, ...rest] = args;
  const result = spawnSync(command === 'node' ? process.execPath : (command ?? 'false'), rest, {
    cwd: join(repoDir, 'apps', 'api'),
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      ...environment,
      DATABASE_FILE: join(scratch, 'shipshape.sqlite'),
    },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { args, status: result.status, output: `${result.stdout}${result.stderr}` };
}

let migration: ReturnType<typeof runMigrationJob> | undefined;

beforeAll(async () => {
  ports.apiHttp = await freePort();
  ports.apiAdmin = await freePort();
  ports.workerAdmin = await freePort();
  // The migration Job first, as a release runs it: its own command and environment.
  migration = runMigrationJob();

  // Both at once, as a rollout starts them: the API creates the SQLite schema at start-up
  // (embedded database) and the worker waits for it before taking jobs.
  running.api = startApp('api', environmentFor('api'));
  running.worker = startApp('worker', environmentFor('worker'));
  await waitFor200(running.api, adminUrl('api', '/readyz'), 45_000);
  await waitFor200(running.worker, adminUrl('worker', '/readyz'), 45_000);

  // Traffic through every path the rules and dashboards look at: a create (enqueue), a long poll
  // that the worker ends by confirming the order (job metrics), a read, a list and a 404.
  const base = `http://127.0.0.1:${ports.apiHttp}`;
  const created = await fetch(`${base}/v1/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      customer_email: 'a@b.co',
      items: [{ sku: 'SKU-1', quantity: 2, unit_price_cents: 1999 }],
    }),
    signal: AbortSignal.timeout(10_000),
  });
  expect(created.status, await created.clone().text()).toBe(201);
  const order = (await created.json()) as { id: string };
  const confirmed = await fetch(`${base}/v1/orders/${order.id}?wait=confirmed&timeout=15s`, {
    signal: AbortSignal.timeout(20_000),
  });
  expect(((await confirmed.json()) as { status: string }).status).toBe('confirmed');
  await fetch(`${base}/v1/orders?limit=5`, { signal: AbortSignal.timeout(5_000) });
  await fetch(`${base}/v1/orders/does-not-exist`, { signal: AbortSignal.timeout(5_000) });

  scraped.api = parseExposition(await scrape('api'));
  scraped.worker = parseExposition(await scrape('worker'));
  textFormat.api = await scrape('api', 'text/plain;version=0.0.4');
  textFormat.worker = await scrape('worker', 'text/plain;version=0.0.4');
}, 90_000);

afterAll(async () => {
  for (const app of ['api', 'worker'] as const) {
    const process = running[app];
    if (process && stopped[app] === undefined)
      await stopApp(process, 45_000).catch(() => undefined);
  }
  // Only this test's queue keys; never the shared server's other data.
  spawnSync(
    'sh',
    [
      '-c',
      `redis-cli -h 127.0.0.1 --scan --pattern '${queuePrefix}:*' | xargs -r redis-cli -h 127.0.0.1 del`,
    ],
    { timeout: 10_000 },
  );
  rmSync(scratch, { recursive: true, force: true });
}, 120_000);

function namesOf(app: 'api' | 'worker' | 'any'): Set<string> {
  if (app !== 'any') return scraped[app]!.names;
  return new Set([...scraped.api!.names, ...scraped.worker!.names]);
}

/** Which app a selector can come from: by its job matcher, else either. */
function sourceOf(selector: Selector): 'api' | 'worker' | 'any' {
  const job = selector.matchers.find((m) => m.label === 'job' && m.op === '=');
  return job ? JOBS[job.value as keyof typeof JOBS] : 'any';
}

/** Equality matchers on labels the app sets must match at least one series it really exposes. */
function unmatchedLabels(selector: Selector): string[] {
  const app = sourceOf(selector);
  const samples = (
    app === 'any' ? [...scraped.api!.samples, ...scraped.worker!.samples] : scraped[app]!.samples
  ).filter((s) => s.name === selector.name);
  const matchers = selector.matchers.filter((m) => m.op === '=' && !TARGET_LABELS.has(m.label));
  if (samples.length === 0 || matchers.length === 0) return [];
  const hit = samples.some((s) => matchers.every((m) => s.labels[m.label] === m.value));
  return hit ? [] : matchers.map((m) => `${selector.name}{${m.label}="${m.value}"}`);
}

/**
 * Labels a query groups by or names in its legend that none of the samples of its metrics carry
 * (Prometheus's target labels and `le` aside). Metrics with no sample yet are not judged here.
 */
function unknownLabels(expr: string, legend: string): string[] {
  const names = new Set(selectors(expr).map((s) => s.name));
  const samples = [...scraped.api!.samples, ...scraped.worker!.samples].filter((s) =>
    names.has(s.name),
  );
  if (samples.length === 0) return [];
  const legendLabels = [...legend.matchAll(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g)].map(
    (m) => m[1]!,
  );
  return [...new Set([...groupingLabels(expr), ...legendLabels])].filter(
    (label) =>
      !TARGET_LABELS.has(label) && label !== 'le' && !samples.some((s) => label in s.labels),
  );
}

describe('alert rules and dashboards against the running apps’ /metrics', () => {
  it('the apps expose their families with the labels the rules aggregate by', () => {
    for (const app of ['api', 'worker'] as const) {
      const buildInfo = scraped[app]!.samples.find((s) => s.name === 'build_info');
      expect(buildInfo?.labels, app).toMatchObject({ commit: 'cafe0123' });
      // Every rule aggregates `by (namespace, service)`: the apps must set `service`.
      expect(buildInfo?.labels.service, app).toBeTruthy();
    }
  });

  it('every metric an alert or recording rule uses exists in the apps’ output', () => {
    const recorded = recordedNames();
    const missing = allRules()
      .flatMap((r) =>
        selectors(r.expr).map((s) => ({ rule: r.alert ?? r.record ?? '?', selector: s })),
      )
      .filter(
        ({ selector }) => !recorded.has(selector.name) && !PROMETHEUS_SERIES.has(selector.name),
      )
      .filter(({ selector }) => !namesOf(sourceOf(selector)).has(selector.name))
      .map(({ rule, selector }) => `${rule}: ${selector.name}`);
    expect([...new Set(missing)]).toEqual([]);
  });

  it('every metric a dashboard panel or variable uses exists in the output of the app it selects', () => {
    const recorded = recordedNames();
    const missing: string[] = [];
    for (const dashboard of loadDashboards()) {
      for (const selector of expressions(dashboard).flatMap(selectors)) {
        if (recorded.has(selector.name)) continue;
        const app = sourceOf(selector);
        if (!namesOf(app).has(selector.name))
          missing.push(`${dashboard.file}: ${selector.name} (${app})`);
      }
      for (const name of variableMetrics(dashboard)) {
        if (!namesOf('any').has(name)) missing.push(`${dashboard.file}: variable ${name}`);
      }
    }
    expect([...new Set(missing)]).toEqual([]);
  });

  it('label values the rules and dashboards select on exist on those metrics (probe, le bucket, route…)', () => {
    const queries = [...allRules().map((r) => r.expr), ...loadDashboards().flatMap(expressions)];
    const unmatched = queries.flatMap(selectors).flatMap(unmatchedLabels);
    expect([...new Set(unmatched)]).toEqual([]);
    // The latency objective counts the le="0.5" bucket and leaves the long-poll route out: both
    // must be real. The long poll above ran on this route label.
    const http = scraped.api!.samples.filter(
      (s) => s.name === 'http_server_request_duration_seconds_bucket',
    );
    expect(http.some((s) => s.labels.le === '0.5')).toBe(true);
    expect(http.some((s) => s.labels.http_route === '/v1/orders/:id')).toBe(true);
  });

  it.each(['api', 'worker'] as const)(
    '%s: the text-format output passes promtool check metrics',
    (app) => {
      const result = spawnSync('promtool', ['check', 'metrics'], {
        input: textFormat[app],
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(`${result.stdout}${result.stderr}`).toBe('');
      expect(result.status).toBe(0);
    },
  );

  it('labels the rules and panels group by, or name in a legend, exist on the metrics they query', () => {
    const queries = [
      ...allRules().map((r) => ({ where: r.alert ?? r.record ?? '?', expr: r.expr, legend: '' })),
      ...loadDashboards().flatMap((d) =>
        panels(d).flatMap((p) =>
          (p.targets ?? []).map((t) => ({
            where: `${d.file}: ${p.title}`,
            expr: t.expr,
            legend: t.legendFormat ?? '',
          })),
        ),
      ),
    ];
    const missing = queries.flatMap((q) =>
      unknownLabels(q.expr, q.legend).map((label) => `${q.where}: ${label}`),
    );
    expect([...new Set(missing)]).toEqual([]);
  });

  it('the checks are not vacuous: a misspelt metric or label value is reported', () => {
    expect(namesOf('any').has('http_server_request_duration_seconds_bucket')).toBe(true);
    expect(namesOf('any').has('http_server_request_duration_secs_bucket')).toBe(false);
    const [wrong] = selectors('health_check_status{probe="readyz"}');
    expect(unmatchedLabels(wrong!)).toEqual(['health_check_status{probe="readyz"}']);
    expect(
      unknownLabels(
        'sum by (http_routee) (rate(http_server_request_duration_seconds_count[5m]))',
        '{{querue}}',
      ),
    ).toEqual(['http_routee', 'querue']);
  });
});

describe('the migration Job and the compose migrate service', () => {
  it('run the same command, which migrates the database and exits 0', () => {
    expect(migration?.args).toEqual(['node', 'dist/migrate.js']);
    expect(migration?.status, migration?.output).toBe(0);
    expect(migration?.output).toMatch(/migration/);
    expect(loadCompose().services.migrate?.command).toEqual(migration?.args);
  });
});

describe('probes and scrape paths in the manifests answer on the running apps', () => {
  it.each(['api', 'worker'] as const)(
    '%s: startup, readiness and liveness paths answer 200 on the admin port',
    async (app) => {
      const workload = workloads(prod).find((w) => w.name === `shipshape-${app}`)!;
      const container = onlyContainer(workload);
      // The manifest's port is the app's default admin port (the test runs it on a free one).
      expect(String(containerPort(container, 'admin'))).toBe(
        (await appDefaults(app)).get('ADMIN_PORT'),
      );
      for (const probe of [
        container.startupProbe,
        container.readinessProbe,
        container.livenessProbe,
      ]) {
        expect(probe?.httpGet?.port).toBe('admin');
        const response = await fetch(adminUrl(app, probe?.httpGet?.path ?? '?'), {
          signal: AbortSignal.timeout(5_000),
        });
        expect(response.status, `${app} ${probe?.httpGet?.path ?? '?'}`).toBe(200);
      }
    },
  );

  it('the ServiceMonitor path and the image HEALTHCHECK path answer on both admin ports', async () => {
    const monitor = find(prod, 'ServiceMonitor', 'shipshape').spec as {
      endpoints: { path: string }[];
    };
    const healthcheck = parseDockerfile(readDockerfile())
      .flatMap((s) => s.instructions)
      .filter((i) => i.keyword === 'HEALTHCHECK')
      .map((i) => /'(\/[a-z]+)'\)/.exec(i.args)?.[1]);
    for (const path of [monitor.endpoints[0]?.path, ...healthcheck]) {
      for (const app of ['api', 'worker'] as const) {
        const response = await fetch(adminUrl(app, path ?? '?'), {
          signal: AbortSignal.timeout(5_000),
        });
        expect(response.status, `${app} ${path ?? '?'}`).toBe(200);
      }
    }
  });

  it.each(['api', 'worker'] as const)(
    '%s: the image HEALTHCHECK command exits 0 against it, 1 when nothing answers',
    async (app) => {
      const stage = parseDockerfile(readDockerfile()).find((s) => s.name === app)!;
      const healthcheck = stage.instructions.find((i) => i.keyword === 'HEALTHCHECK')!;
      const [command, ...args] = JSON.parse(
        healthcheck.args.slice(healthcheck.args.indexOf('CMD ') + 4),
      ) as string[];
      expect(command).toBe('node');
      const run = (port: number) =>
        new Promise<number | null>((resolve) => {
          const child = spawn(process.execPath, args, {
            env: { ADMIN_PORT: String(port) },
            stdio: 'ignore',
            timeout: 10_000,
          });
          child.on('exit', (code) => resolve(code));
        });
      expect(await run(app === 'api' ? ports.apiAdmin : ports.workerAdmin)).toBe(0);
      expect(await run(await freePort())).toBe(1);
    },
  );

  it('admin paths are not served on the API’s public port', async () => {
    for (const path of ['/metrics', '/readyz', '/admin/info']) {
      const response = await fetch(`http://127.0.0.1:${ports.apiHttp}${path}`, {
        signal: AbortSignal.timeout(5_000),
      });
      expect(response.status, path).toBe(404);
    }
  });
});

describe('shutdown of the running apps fits the manifests', () => {
  it.each(['api', 'worker'] as const)(
    '%s: SIGTERM exits 0 well within terminationGracePeriodSeconds',
    async (app) => {
      const workload = workloads(prod).find((w) => w.name === `shipshape-${app}`)!;
      const graceMs = (workload.pod.terminationGracePeriodSeconds ?? 30) * 1_000;
      const drainMs = parseDurationMs(environmentFor(app).SHUTDOWN_DRAIN_DELAY ?? '0');
      const result = await stopApp(running[app]!, graceMs);
      stopped[app] = result;
      expect(result.code, running[app]!.output().slice(-2000)).toBe(0);
      // Idle, the shutdown takes the drain delay plus closing connections: far from the deadline.
      expect(result.elapsedMs).toBeGreaterThanOrEqual(drainMs);
      expect(result.elapsedMs).toBeLessThan(graceMs);
    },
  );
});
