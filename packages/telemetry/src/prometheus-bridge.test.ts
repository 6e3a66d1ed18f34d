import { metrics } from '@opentelemetry/sdk-node';
import { Counter, Gauge, Histogram, Registry, Summary } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { nameAndUnit } from './prometheus-mapping.js';
import { PrometheusBridge } from './prometheus-bridge.js';

async function collect(bridge: PrometheusBridge) {
  const result = await bridge.collect();
  const data = result.resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics);
  return { result, byName: new Map(data.map((metric) => [metric.descriptor.name, metric])) };
}

describe('nameAndUnit (Prometheus → OTLP, compatibility specification)', () => {
  it.each([
    [
      'http_server_request_duration_seconds',
      'histogram',
      false,
      'http_server_request_duration_seconds',
      's',
    ],
    [
      'http_server_request_duration_seconds',
      'histogram',
      true,
      'http_server_request_duration',
      's',
    ],
    ['orders_created_total', 'counter', false, 'orders_created_total', ''],
    ['orders_created_total', 'counter', true, 'orders_created', ''],
    ['process_cpu_seconds_total', 'counter', true, 'process_cpu', 's'],
    ['nodejs_heap_size_total_bytes', 'gauge', true, 'nodejs_heap_size_total', 'By'],
    ['disk_write_bytes_per_second', 'gauge', true, 'disk_write', 'By/s'],
    ['cache_hit_ratio', 'gauge', false, 'cache_hit_ratio', '1'],
    ['queue_jobs', 'gauge', true, 'queue_jobs', ''],
    ['seconds', 'gauge', true, 'seconds', ''],
  ])('%s (%s, strip %s) → %s [%s]', (prom, type, strip, name, unit) => {
    expect(nameAndUnit(prom, type, strip)).toEqual({ name, unit });
  });
});

describe('PrometheusBridge', () => {
  it('reads the registry at collection time: counters, gauges and histograms with their labels', async () => {
    const registry = new Registry();
    registry.setDefaultLabels({ service: 'api' });
    const requests = new Counter({
      name: 'requests_total',
      help: 'Requests.',
      labelNames: ['code'],
      registers: [registry],
    });
    new Gauge({
      name: 'queue_jobs',
      help: 'Jobs.',
      registers: [registry],
      collect() {
        this.set(7);
      },
    });
    const duration = new Histogram({
      name: 'request_duration_seconds',
      help: 'Duration.',
      labelNames: ['route'],
      buckets: [0.1, 1, 10],
      registers: [registry],
    });
    requests.inc({ code: 200 }, 3);
    requests.inc({ code: 500 });
    for (const value of [0.05, 0.5, 0.7, 5, 50]) duration.observe({ route: '/orders' }, value);

    const bridge = new PrometheusBridge();
    bridge.add(registry);
    const { result, byName } = await collect(bridge);

    expect(result.errors).toEqual([]);
    expect(result.resourceMetrics.scopeMetrics[0]?.scope.name).toBe('@shipshape/telemetry');
    const counter = byName.get('requests_total');
    expect(counter).toMatchObject({
      dataPointType: metrics.DataPointType.SUM,
      isMonotonic: true,
      aggregationTemporality: metrics.AggregationTemporality.CUMULATIVE,
      descriptor: { description: 'Requests.', unit: '' },
    });
    expect(counter?.dataPoints.map((p) => [p.attributes, p.value])).toEqual([
      [{ code: '200', service: 'api' }, 3],
      [{ code: '500', service: 'api' }, 1],
    ]);
    expect(byName.get('queue_jobs')).toMatchObject({
      dataPointType: metrics.DataPointType.GAUGE,
      dataPoints: [{ attributes: { service: 'api' }, value: 7 }],
    });
    const histogram = byName.get('request_duration_seconds');
    expect(histogram).toMatchObject({
      dataPointType: metrics.DataPointType.HISTOGRAM,
      descriptor: { unit: 's' },
    });
    expect(histogram?.dataPoints).toHaveLength(1);
    expect(histogram?.dataPoints[0]).toMatchObject({
      attributes: { route: '/orders', service: 'api' },
      value: { buckets: { boundaries: [0.1, 1, 10], counts: [1, 2, 1, 1] }, count: 5, sum: 56.25 },
    });
  });

  it('strips suffixes only when asked, per registry', async () => {
    const registry = new Registry();
    new Counter({ name: 'jobs_done_total', help: 'Jobs.', registers: [registry] }).inc();
    const bridge = new PrometheusBridge();
    bridge.add(registry, { stripSuffixes: true });
    const { byName } = await collect(bridge);
    expect([...byName.keys()]).toEqual(['jobs_done']);
  });

  it('keeps a series start time until its total goes down, then starts it again', async () => {
    const registry = new Registry();
    const counter = new Counter({ name: 'c_total', help: 'c', registers: [registry] });
    const bridge = new PrometheusBridge();
    bridge.add(registry);
    counter.inc(2);
    const first = (await collect(bridge)).byName.get('c_total')?.dataPoints[0];
    await new Promise((resolve) => setTimeout(resolve, 5));
    counter.inc();
    const second = (await collect(bridge)).byName.get('c_total')?.dataPoints[0];
    expect(second?.startTime).toEqual(first?.startTime);
    expect(second?.endTime).not.toEqual(first?.endTime);
    counter.reset();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const afterReset = (await collect(bridge)).byName.get('c_total')?.dataPoints[0];
    expect(afterReset?.startTime).toEqual(afterReset?.endTime);
    expect(afterReset?.startTime).not.toEqual(first?.startTime);
  });

  it('leaves summaries out, and reports a failing registry as a collection error', async () => {
    const registry = new Registry();
    new Summary({ name: 'latency_seconds', help: 'l', registers: [registry] }).observe(1);
    new Gauge({ name: 'up', help: 'u', registers: [registry] }).set(1);
    const failing = {
      getMetricsAsJSON: () => Promise.reject(new Error('collector for queue_jobs timed out')),
    };
    const bridge = new PrometheusBridge();
    bridge.add(registry);
    bridge.add(failing);
    const { result, byName } = await collect(bridge);
    expect([...byName.keys()]).toEqual(['up']);
    expect(result.errors).toEqual([new Error('collector for queue_jobs timed out')]);
  });

  it('stops reading a registry once its stop function is called', async () => {
    const registry = new Registry();
    new Gauge({ name: 'up', help: 'u', registers: [registry] }).set(1);
    const bridge = new PrometheusBridge();
    const stop = bridge.add(registry);
    expect((await collect(bridge)).byName.size).toBe(1);
    stop();
    expect((await collect(bridge)).result.resourceMetrics.scopeMetrics).toEqual([]);
  });
});
