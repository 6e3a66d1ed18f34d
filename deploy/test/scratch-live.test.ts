import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, it } from 'vitest';
import { stringify } from 'yaml';
import { render } from './lib/kustomize.js';
import { startLiveStack, type LiveStack } from './lib/live-stack.js';
import { startPrometheus, type PrometheusServer } from './lib/prometheus-server.js';
import { scaleRuleGroups } from './lib/rule-scaling.js';
import { loadRuleGroups } from './lib/rules.js';
import { createOrders, startTraffic, type Traffic } from './lib/traffic.js';

let stack: LiveStack;
let prometheus: PrometheusServer;
let traffic: Traffic;
const dir = mkdtempSync(join(tmpdir(), 'scratch-live-'));
const t0 = Date.now();
const log = (...a: unknown[]) => console.log(((Date.now() - t0) / 1000).toFixed(1), ...a);

beforeAll(async () => {
  stack = await startLiveStack({
    objects: render('overlays/prod'),
    extraEnvironment: { api: {}, worker: {} },
  });
  log('stack up');
  prometheus = await startPrometheus({
    dir,
    scrapeIntervalMs: 1000,
    evaluationIntervalMs: 1000,
    jobs: [
      { job: 'shipshape-api', targets: [`127.0.0.1:${stack.adminPorts.api}`], labels: { namespace: 'shipshape-live', pod: 'shipshape-api-0' } },
      { job: 'shipshape-worker', targets: [`127.0.0.1:${stack.adminPorts.worker}`], labels: { namespace: 'shipshape-live', pod: 'shipshape-worker-0' } },
    ],
    ruleFiles: { 'rules.yaml': stringify({ groups: scaleRuleGroups(loadRuleGroups(), 60) }) },
  });
  log('prom up', prometheus.url);
  traffic = startTraffic(stack.apiUrl, 250);
}, 120_000);

afterAll(async () => {
  await traffic?.stop();
  await prometheus?.stop();
  await stack?.destroy();
}, 120_000);

it('explores', async () => {
  await sleep(8000);
  log('counts', traffic.counts());
  log('targets', JSON.stringify((await prometheus.targets()).map((t) => [t.labels.job, t.health, t.lastError])));
  let s = Date.now();
  const ids = await createOrders(stack.apiUrl, 300, 10);
  log('300 orders in', Date.now() - s, ids.length);
  await sleep(3000);
  log('pg stop');
  await stack.postgres.stop();
  for (let i = 0; i < 8; i++) {
    await sleep(1000);
    log('counts', JSON.stringify(traffic.counts()), JSON.stringify((await prometheus.alerts()).map((a) => [a.labels.alertname, a.labels.check, a.state])));
    log(JSON.stringify(await prometheus.query('service:http_server_request_errors:ratio_rate5m')));
  }
  await stack.postgres.start();
  log('pg start');
  await sleep(5000);
  log('counts', JSON.stringify(traffic.counts()));
  log('redis kill');
  await stack.redis.kill();
  for (let i = 0; i < 14; i++) {
    await sleep(1000);
    log('counts', JSON.stringify(traffic.counts()), JSON.stringify((await prometheus.alerts()).map((a) => [a.labels.alertname, a.labels.service, a.labels.check, a.state])));
    log(JSON.stringify((await prometheus.targets()).map((t) => [t.labels.job, t.health, t.lastError])));
  }
  await stack.redis.start();
  log('redis start');
  for (let i = 0; i < 10; i++) {
    await sleep(1000);
    log(JSON.stringify((await prometheus.alerts()).map((a) => [a.labels.alertname, a.labels.service, a.labels.check, a.state])));
  }
}, 300_000);
