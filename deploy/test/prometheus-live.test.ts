import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { parse, stringify } from 'yaml';
import { appDefaults } from './lib/app-config.js';
import { loadDashboards } from './lib/dashboards.js';
import { parseDurationMs } from './lib/duration.js';
import { find, render, type KubeObject } from './lib/kustomize.js';
import { startLiveStack, type LiveStack } from './lib/live-stack.js';
import {
  panelQueries,
  queriesWithoutData,
  type PanelQuery,
  type Selection,
} from './lib/panel-queries.js';
import { prometheusDir } from './lib/paths.js';
import { startPrometheus, type Alert, type PrometheusServer } from './lib/prometheus-server.js';
import { durationMs, scaleRuleGroups } from './lib/rule-scaling.js';
import { loadRuleGroups, type Rule } from './lib/rules.js';
import { createOrder, createOrders, startTraffic, type Traffic } from './lib/traffic.js';

/*
 * A real Prometheus (Debian's prometheus 2.42, /usr/bin/prometheus) scrapes both running apps and
 * evaluates deploy/prometheus/rules.yaml with time compressed (lib/rule-scaling.ts); the dashboards'
 * panel queries go through its HTTP API as Grafana would send them. One app stack, one Prometheus,
 * shared by every case below in order: healthy traffic → worker stopped under load → worker back →
 * Redis stopped → PostgreSQL stopped → graceful shutdown. A failed case fails every later
 * one at once (they depend on its state). README: "Live Prometheus test".
 */

const production = parse(readFileSync(join(prometheusDir, 'prometheus.yaml'), 'utf8')) as {
  global: { scrape_interval: string; evaluation_interval: string };
};
/** A minute of the shipped rules lasts 2 s here. */
const FACTOR = 30;
/** Production evaluates every 30 s: 1 s here. */
const EVALUATION_MS = durationMs(production.global.evaluation_interval) / FACTOR;
/**
 * Production scrapes every 15 s (0.5 s scaled), but the apps bound their BullMQ read at 1 s per
 * scrape, which must fit in the scrape timeout (at most the interval): 2 s.
 */
const SCRAPE_MS = 2_000;
/** The KEDA component's ScaledObject, rendered as overlays/prod-keda applies it. */
const scaledObject = find(
  render('overlays/prod-keda'),
  'ScaledObject',
  'shipshape-worker',
) as KubeObject & {
  spec: { maxReplicaCount: number; triggers: { metadata: Record<string, string> }[] };
};
const KEDA_TRIGGER = scaledObject.spec.triggers[0]!.metadata;
/**
 * The namespace label Kubernetes service discovery would add (the dashboards' $namespace): the
 * prod overlay's, so the ScaledObject's query runs here exactly as rendered.
 */
const NAMESPACE = scaledObject.metadata.namespace!;
/**
 * Grafana's view of the panels: the last 5 minutes, so `$__interval` is the data source's scrape
 * interval and `$__rate_interval` its narrowest (4 × 2 s = 8 s); a longer range only widens it.
 */
const GRAFANA = { scrapeIntervalMs: SCRAPE_MS, rangeMs: 5 * 60_000, maxDataPoints: 1_000 };
/**
 * How long a fault takes to reach an alert's expression: the readiness probe's period (2 s), a
 * scrape, an evaluation, and 4 s for a loaded machine.
 */
const DETECTION_MS = 2_000 + SCRAPE_MS + EVALUATION_MS + 4_000;

const scaledGroups = scaleRuleGroups(loadRuleGroups(), FACTOR);
const scaledRules = scaledGroups.flatMap((g) => g.rules);
const dashboards = loadDashboards();
const queries = panelQueries(dashboards);

/**
 * The negative case for alerts: a copy of ReadinessCheckFailing whose selector is misspelt
 * (`probe="readyness"`), loaded next to the real rules. It can never fire, and the same wait that
 * sees the real alert fire must report it within the same window.
 */
const MISSPELT_ALERT: Rule = (() => {
  const real = scaledRules.find((r) => r.alert === 'ReadinessCheckFailing')!;
  return {
    ...real,
    alert: 'ReadinessCheckFailingMisspelt',
    expr: real.expr.replace('probe="readiness"', 'probe="readyness"'),
  };
})();

/**
 * Panel queries with no data in a healthy run, and the case below that gives them data. The
 * coverage check at the end fails if one of them never had data, or if a panel not listed here or
 * in NEVER_IN_THIS_TEST lacked data in the healthy run.
 */
const DATA_AFTER_A_FAULT: Record<string, { phase: string; why: string }> = {
  'shipshape-api.json › 5xx ratio by route › A': {
    phase: 'PostgreSQL stopped',
    why: 'the numerator selects 5xx series, which the app creates at the first 5xx',
  },
  'shipshape-api.json › 5xx ratio, 1 h (budget 0.1 %) › A': {
    phase: 'PostgreSQL stopped',
    why: 'the recording rule divides the 5xx rate, which has no series before the first 5xx',
  },
  'shipshape-worker.json › Job outcomes › B': {
    phase: 'worker back',
    why: 'bullmq_jobs_failed_total appears with the first failed job (the poison order)',
  },
  'shipshape-worker.json › Job outcomes › C': {
    phase: 'worker back',
    why: 'bullmq_jobs_stalled_total appears with the first stalled job (the killed worker’s)',
  },
  'shipshape-worker.json › Failure ratio (5 m) › A': {
    phase: 'worker back',
    why: 'the recording rule divides the failed-job rate, which has no series before the first failure',
  },
  'shipshape-worker.json › Shutdown phase durations (last shutdown) › A': {
    phase: 'worker stopped',
    why: 'set by the drain phase, scraped while the worker finishes its active jobs',
  },
  'shipshape-api.json › Shutdown phase durations (last shutdown) › A': {
    phase: 'graceful shutdown',
    why: 'set by the drain phase, scraped while the API finishes an in-flight request',
  },
};

/** Panel queries this test cannot give data, and why. */
const NEVER_IN_THIS_TEST: Record<string, string> = {
  'shipshape-api.json › Shutdown hook durations (last shutdown) › A':
    'each hook’s duration is set when it ends, and the admin server that serves /metrics is the second hook the API closes: only the public server’s duration could be scraped, in the milliseconds between two closes',
  'shipshape-worker.json › Shutdown hook durations (last shutdown) › A':
    'each hook’s duration is set when it ends, and the worker closes its admin server right after its first hook (the worker itself): nothing is left to scrape',
  'shipshape-api.json › Series dropped by the cardinality guard › A':
    'the counter has a series only once a metric reaches its 2000-series limit; the apps’ labels are bounded (routes, status codes), so only an app bug can make it',
  'shipshape-worker.json › Series dropped by the cardinality guard › A':
    'the counter has a series only once a metric reaches its 2000-series limit; the worker’s labels are bounded (queue, job name, outcome)',
};

let stack: LiveStack;
let prometheus: PrometheusServer;
let traffic: Traffic;
const scratch = mkdtempSync(join(tmpdir(), 'shipshape-prometheus-live-'));
/** Panel query key → the first case in which it had data (both variable selections). */
const covered = new Map<string, string>();
let earlierFailure: string | undefined;

/** Records which panel queries have data now (or at `atMs`), under both variable selections. */
async function recordCoverage(phase: string, atMs?: number): Promise<string[]> {
  const empty = new Set<string>();
  for (const selection of ['all', 'first'] as Selection[]) {
    for (const key of await queriesWithoutData(prometheus, queries, selection, GRAFANA, atMs))
      empty.add(key);
  }
  for (const query of queries)
    if (!empty.has(query.key) && !covered.has(query.key)) covered.set(query.key, phase);
  return [...empty];
}

/** Polls until every panel query this case should give data (DATA_AFTER_A_FAULT) has it. */
async function expectCoverage(phase: string): Promise<void> {
  const due = Object.entries(DATA_AFTER_A_FAULT)
    .filter(([, entry]) => entry.phase === phase)
    .map(([key]) => key);
  await expect
    .poll(
      async () => {
        await recordCoverage(phase);
        return due.filter((key) => !covered.has(key));
      },
      { timeout: 20_000, interval: 1_000 },
    )
    .toEqual([]);
}

function matches(alert: Alert, name: string, labels: Record<string, string>): boolean {
  return (
    alert.labels.alertname === name &&
    Object.entries(labels).every(([key, value]) => alert.labels[key] === value)
  );
}

function describeAlerts(alerts: Alert[]): string {
  return alerts
    .map((a) => `${a.labels.alertname ?? '?'}${JSON.stringify(a.labels)} ${a.state}`)
    .join('\n');
}

/**
 * Polls /api/v1/alerts until the alert (the first whose labels include `labels`) is in `state`, or
 * has left the list for `gone`; rejects with what was active when `withinMs` passes.
 */
async function waitForAlert(
  name: string,
  labels: Record<string, string>,
  state: 'pending' | 'firing' | 'gone',
  withinMs: number,
): Promise<{ alert?: Alert; seenAt: number }> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const alerts = await prometheus.alerts();
    const alert = alerts.find((a) => matches(a, name, labels));
    if (state === 'gone' ? alert === undefined : alert?.state === state)
      return { ...(alert ? { alert } : {}), seenAt: Date.now() };
    if (Date.now() > deadline)
      throw new Error(
        `${name}${JSON.stringify(labels)} was not ${state} within ${withinMs} ms; active alerts:\n${describeAlerts(alerts)}`,
      );
    await sleep(250);
  }
}

function forMs(name: string): number {
  const rule = [...scaledRules, MISSPELT_ALERT].find((r) => r.alert === name);
  if (!rule) throw new Error(`no alert ${name} in rules.yaml`);
  return rule.for === undefined ? 0 : durationMs(rule.for);
}

/**
 * The alert goes pending (when it has a `for`) within `windowMs`, then firing no sooner than its
 * `for` after it became active.
 */
async function expectAlertFires(
  name: string,
  labels: Record<string, string>,
  windowMs = DETECTION_MS,
): Promise<void> {
  const holdMs = forMs(name);
  if (holdMs === 0) {
    await waitForAlert(name, labels, 'firing', windowMs);
    return;
  }
  await waitForAlert(name, labels, 'pending', windowMs);
  // A missed scrape can reset a pending alert (its series goes stale for one evaluation), which
  // then waits its whole `for:` again: allow that once.
  const firing = await waitForAlert(name, labels, 'firing', holdMs + DETECTION_MS);
  // It waited its `for:` since it became active (Prometheus' activeAt) before firing.
  const activeAt = Date.parse(firing.alert!.activeAt);
  expect(firing.seenAt - activeAt, `${name}: firing before its for:`).toBeGreaterThanOrEqual(
    holdMs,
  );
}

/** Runs SQL (from stdin, so psql quotes `:'name'` variables) on the stack's database. */
async function psql(sql: string, variables: Record<string, string>): Promise<string> {
  const child = execFile(
    'psql',
    [
      '-X',
      '-q',
      '-At',
      '-v',
      'ON_ERROR_STOP=1',
      ...Object.entries(variables).flatMap(([k, v]) => ['-v', `${k}=${v}`]),
      `${stack.postgres.serverUrl}/postgres`,
    ],
    { timeout: 30_000 },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit') as Promise<[number | null]>;
  child.stdin?.end(sql);
  const [code] = await exited;
  if (code !== 0) throw new Error(`psql exited ${code}: ${output}`);
  return output.trim();
}

beforeAll(async () => {
  const apiDefaults = await appDefaults('api');
  stack = await startLiveStack({
    objects: render('overlays/prod'),
    extraEnvironment: {
      api: {
        // An order settles at most OUTBOX_RECHECK_INTERVAL after its job ran; OrdersPendingTooLong's
        // 5 minutes assume the default 30 s, so it is compressed by the same factor.
        OUTBOX_RECHECK_INTERVAL: `${parseDurationMs(apiDefaults.get('OUTBOX_RECHECK_INTERVAL') ?? '30s') / FACTOR}ms`,
        OUTBOX_POLL_INTERVAL: '250ms',
      },
      worker: {
        // Jobs take 4 s (the provider stand-in), so a stopped worker is still draining for about
        // two scrapes; 50 at once keep up with the traffic.
        WORKER_PROVIDER_LATENCY: '4s',
        WORKER_CONCURRENCY: '50',
        // A killed worker's jobs are recovered within seconds, not a minute.
        WORKER_LOCK_DURATION: '5s',
        WORKER_STALLED_INTERVAL: '1s',
      },
    },
  });
  const target = (app: 'api' | 'worker') => ({
    job: `shipshape-${app}`,
    targets: [`127.0.0.1:${stack.adminPorts[app]}`],
    labels: { namespace: NAMESPACE, pod: `shipshape-${app}-live` },
  });
  prometheus = await startPrometheus({
    dir: scratch,
    scrapeIntervalMs: SCRAPE_MS,
    evaluationIntervalMs: EVALUATION_MS,
    jobs: [target('api'), target('worker')],
    ruleFiles: {
      'rules.scaled.yaml': stringify({ groups: scaledGroups }),
      'negative-case.yaml': stringify({
        groups: [{ name: 'negative-case', rules: [MISSPELT_ALERT] }],
      }),
    },
  });
  traffic = startTraffic(stack.apiUrl, 250);
}, 180_000);

afterAll(async () => {
  // Whatever beforeAll got to start before it failed.
  await (traffic as Traffic | undefined)?.stop();
  await (prometheus as PrometheusServer | undefined)?.stop();
  await (stack as LiveStack | undefined)?.destroy();
  rmSync(scratch, { recursive: true, force: true });
}, 120_000);

beforeEach(() => {
  if (earlierFailure !== undefined)
    throw new Error(`not run: "${earlierFailure}" failed, and this case starts from its end state`);
  onTestFailed(({ task }) => {
    earlierFailure = task.name;
    // What the processes said, for the failure's reader.
    for (const name of ['api', 'worker'] as const) {
      const lines = stack
        .app(name)
        .output()
        .split('\n')
        .filter((line) => /"level":"(warn|error)"|shutdown|closed/.test(line))
        .slice(-25);
      console.error(`--- last warnings and shutdown lines of ${name}:\n${lines.join('\n')}`);
    }
    console.error(`--- prometheus:\n${prometheus.output()}`);
  });
});

function panelQuery(key: string): PanelQuery {
  const query = queries.find((q) => q.key === key);
  if (!query) throw new Error(`no panel query ${key}`);
  return query;
}

async function activeAlerts(name: string, labels: Record<string, string>): Promise<Alert[]> {
  return (await prometheus.alerts()).filter((a) => matches(a, name, labels));
}

describe('a real Prometheus scraping the running apps', () => {
  it('scrapes both admin ports with the labels the rules and dashboards select on', async () => {
    await expect
      .poll(
        async () => (await prometheus.targets()).map((t) => `${t.labels.job} ${t.health}`).sort(),
        {
          timeout: 15_000,
          interval: 500,
        },
      )
      .toEqual(['shipshape-api up', 'shipshape-worker up']);
    const builds = await prometheus.query('build_info');
    expect(builds.map((b) => [b.metric.job, b.metric.namespace, b.metric.commit]).sort()).toEqual([
      ['shipshape-api', NAMESPACE, 'live0123'],
      ['shipshape-worker', NAMESPACE, 'live0123'],
    ]);
    expect(builds.every((b) => b.metric.service)).toBe(true);
    const rules = await prometheus.rules();
    expect(rules.filter((r) => r.health !== 'ok')).toEqual([]);
    expect(rules.length).toBe(scaledRules.length + 1);
  });

  it('healthy traffic: every panel query returns data but the ones listed with the fault that gives them data', async () => {
    let empty: string[] = [];
    const expected = [
      ...Object.keys(DATA_AFTER_A_FAULT),
      ...Object.keys(NEVER_IN_THIS_TEST),
    ].sort();
    // Rates need two scrapes inside $__rate_interval after the first requests.
    await expect
      .poll(async () => (empty = (await recordCoverage('healthy traffic')).sort()), {
        timeout: 30_000,
        interval: 1_000,
      })
      .toEqual(expected);
    expect(empty).toEqual(expected);
    expect(traffic.counts()[201]).toBeGreaterThan(0);
  });

  it('the KEDA ScaledObject’s query returns the one value KEDA needs', async () => {
    const samples = await prometheus.query(KEDA_TRIGGER.query!);
    expect(samples).toHaveLength(1);
    expect(Number.isFinite(samples[0]!.value)).toBe(true);
    // A healthy queue needs no more than the minimum.
    expect(samples[0]!.value).toBeLessThan(Number(KEDA_TRIGGER.threshold));
  });

  it('negative case: a panel query with a misspelt metric is reported as returning nothing', async () => {
    const real = panelQuery('shipshape-api.json › Request rate by route › A');
    const misspelt: PanelQuery = {
      ...real,
      key: `${real.key} (misspelt)`,
      expr: real.expr.replace(
        'http_server_request_duration_seconds_count',
        'http_server_request_duration_secs_count',
      ),
    };
    expect(misspelt.expr).not.toBe(real.expr);
    expect(await queriesWithoutData(prometheus, [real, misspelt], 'first', GRAFANA)).toEqual([
      misspelt.key,
    ]);
  });

  let poisonOrderId = '';

  it('worker stopped under load: orders wait in the outbox, OrdersPendingTooLong and OutboxBackingUp fire', async () => {
    const scope = { namespace: NAMESPACE };
    for (const name of ['OrdersPendingTooLong', 'OutboxBackingUp', 'TargetDown'])
      expect(await activeAlerts(name, scope), `${name} before the worker stopped`).toEqual([]);
    // SIGTERM, as a scale-in or a rollout sends it: the worker stops fetching and finishes its
    // active jobs (4 s each) while its admin port still answers, so the drain phase is scraped.
    const worker = stack.app('worker');
    const signalledAt = Date.now();
    worker.child.kill('SIGTERM');
    await sleep(SCRAPE_MS + 1_000);
    // Then SIGKILL before the active jobs are done, as Kubernetes does when the grace period is
    // too short: those jobs keep a lock nobody renews, and the next worker recovers them as stalled.
    expect(stack.running('worker'), 'the worker exited before its jobs were done').toBe(true);
    const killedAt = Date.now();
    await stack.kill('worker');
    const phase = panelQuery(
      'shipshape-worker.json › Shutdown phase durations (last shutdown) › A',
    );
    expect(await queriesWithoutData(prometheus, [phase], 'first', GRAFANA, killedAt)).toEqual([]);
    covered.set(phase.key, 'worker stopped');
    expect(killedAt - signalledAt).toBeLessThan(10_000);

    // An order whose stored items were edited by hand: the worker will fail it for good.
    const poison = await createOrder(stack.apiUrl);
    expect(poison.status).toBe(201);
    poisonOrderId = poison.id!;
    await psql("UPDATE orders SET items = 'not json' WHERE id = :'id';", { id: poisonOrderId });

    // Orders keep coming while the alerts are watched (more than OutboxBackingUp's 1000).
    const creating = createOrders(stack.apiUrl, 1_010, 20);
    await Promise.all([
      // The oldest order ages from the stop: pending after the (scaled) 5 minutes.
      expectAlertFires('OrdersPendingTooLong', scope, forMs('OrdersPendingTooLong') + DETECTION_MS),
      expectAlertFires('QueueOldestJobTooOld', scope, forMs('QueueOldestJobTooOld') + DETECTION_MS),
      expectAlertFires('TargetDown', { job: 'shipshape-worker' }),
      // Over 1000 records once most of the orders are in: pending long before this window ends.
      expectAlertFires('OutboxBackingUp', scope, 150_000),
      creating.then((created) => expect(created.length).toBe(1_010)),
    ]);
    // What KEDA would read now: the backlog asks for the most workers the ScaledObject allows.
    const [waiting] = await prometheus.query(KEDA_TRIGGER.query!);
    expect(waiting?.value).toBeGreaterThanOrEqual(1_000);
    const desired = Math.ceil(waiting!.value / Number(KEDA_TRIGGER.threshold));
    expect(Math.min(desired, scaledObject.spec.maxReplicaCount)).toBe(
      scaledObject.spec.maxReplicaCount,
    );
  }, 240_000);

  it('worker back: the killed worker’s jobs are recovered as stalled and the poison order fails; JobsStalled and OrdersFailed fire', async () => {
    await stack.start('worker');
    // The poison order is first in line, so the restarted worker fails it before Prometheus first
    // scrapes it: its orders_failed_total series starts at 1, which only the rule's new-series
    // clause can see (rules.yaml, OrdersFailed).
    await Promise.all([
      expectAlertFires('JobsStalled', { namespace: NAMESPACE }),
      expectAlertFires('OrdersFailed', { namespace: NAMESPACE, reason: 'items_invalid' }),
    ]);
    // The order is failed for good, with its reason, in the database and as its client sees it.
    expect(
      await psql("SELECT status || ' ' || failure_reason FROM orders WHERE id = :'id';", {
        id: poisonOrderId,
      }),
    ).toMatch(/^failed .*not valid JSON/);
    const seen = await fetch(`${stack.apiUrl}/v1/orders/${poisonOrderId}`);
    expect(seen.status).toBe(200);
    expect(await seen.json()).toMatchObject({
      id: poisonOrderId,
      status: 'failed',
      items: [],
      failure_reason: expect.stringMatching(/not valid JSON/) as unknown,
    });
    await expectCoverage('worker back');
  }, 180_000);

  it('Redis stopped: the worker’s readiness alert goes pending, then firing, and resolves once Redis is back; a misspelt copy is reported within the same window', async () => {
    const labels = { check: 'redis', namespace: NAMESPACE };
    expect(await activeAlerts('ReadinessCheckFailing', labels)).toEqual([]);
    await stack.redis.stop();
    const started = Date.now();
    const misspelt = waitForAlert(
      'ReadinessCheckFailingMisspelt',
      labels,
      'pending',
      DETECTION_MS,
    ).then(
      () => 'went pending',
      (error: unknown) => ({ message: String(error), afterMs: Date.now() - started }),
    );
    await expectAlertFires('ReadinessCheckFailing', labels);
    await recordCoverage('Redis stopped');
    await stack.redis.start();
    await waitForAlert('ReadinessCheckFailing', labels, 'gone', 30_000);
    const negative = await misspelt;
    expect(negative).toMatchObject({
      message: expect.stringMatching(/ReadinessCheckFailingMisspelt.* was not pending within/),
    });
    expect((negative as { afterMs: number }).afterMs).toBeLessThan(DETECTION_MS + 2_000);
  });

  it('PostgreSQL stopped: the API answers 503 and the error-budget alert goes pending, then firing', async () => {
    const labels = { service: 'api', namespace: NAMESPACE };
    expect(await activeAlerts('ApiErrorBudgetBurnFast', labels)).toEqual([]);
    const before = traffic.counts()[503] ?? 0;
    await stack.postgres.stop();
    await expectAlertFires('ApiErrorBudgetBurnFast', labels);
    expect((traffic.counts()[503] ?? 0) - before).toBeGreaterThan(10);
    await expectCoverage('PostgreSQL stopped');
    await stack.postgres.start();
    for (const app of ['api', 'worker'] as const) {
      await expect
        .poll(
          () =>
            fetch(stack.adminUrl(app, '/readyz')).then(
              (r) => r.status,
              () => 0,
            ),
          {
            timeout: 30_000,
            interval: 500,
          },
        )
        .toBe(200);
    }
  });

  it('every recording rule produces series', async () => {
    const records = scaledRules.flatMap((r) => (r.record ? [r.record] : []));
    expect(records.length).toBeGreaterThan(10);
    const empty: string[] = [];
    for (const record of records)
      if ((await prometheus.query(record)).length === 0) empty.push(record);
    expect(empty).toEqual([]);
  });

  it('graceful shutdown: the API’s drain phase is scraped while a slow upload is still in flight', async () => {
    await traffic.stop();
    const api = stack.app('api');
    const drainMs = parseDurationMs(stack.environment('api').SHUTDOWN_DRAIN_DELAY ?? '0');
    const signalledAt = Date.now();
    api.child.kill('SIGTERM');
    // A client uploading slowly, started during the drain delay (the public port still serves):
    // the public server's close waits for it, while the admin port keeps answering /metrics.
    await sleep(Math.max(0, drainMs - 2_000));
    const body = JSON.stringify({
      customer_email: 'slow@example.com',
      items: [{ sku: 'SKU-1', quantity: 1, unit_price_cents: 100 }],
    });
    const holdUntil = signalledAt + drainMs + 2 * SCRAPE_MS + 1_000;
    const upload = fetch(`${stack.apiUrl}/v1/orders`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
      },
      duplex: 'half',
      body: new ReadableStream({
        async start(controller) {
          controller.enqueue(new TextEncoder().encode(body.slice(0, 10)));
          await sleep(Math.max(0, holdUntil - Date.now()));
          controller.enqueue(new TextEncoder().encode(body.slice(10)));
          controller.close();
        },
      }),
      signal: AbortSignal.timeout(30_000),
    });
    const phase = panelQuery('shipshape-api.json › Shutdown phase durations (last shutdown) › A');
    await expect
      .poll(async () => queriesWithoutData(prometheus, [phase], 'first', GRAFANA), {
        timeout: drainMs + 4 * SCRAPE_MS,
        interval: 500,
      })
      .toEqual([]);
    covered.set(phase.key, 'graceful shutdown');
    expect((await upload).status).toBe(201);
    // One SIGTERM was sent (a second one forces the exit): the API finishes on its own.
    const code = await Promise.race([api.exited, sleep(30_000).then(() => 'still running')]);
    expect(code, api.output().slice(-3_000)).toBe(0);
  });

  it('every panel query had data in one of the cases above, except the ones listed as impossible here', () => {
    const never = queries.filter((q) => !covered.has(q.key)).map((q) => q.key);
    expect(never.sort()).toEqual(Object.keys(NEVER_IN_THIS_TEST).sort());
    for (const [key, { phase }] of Object.entries(DATA_AFTER_A_FAULT))
      expect(covered.get(key), key).toBe(phase);
  });
});
