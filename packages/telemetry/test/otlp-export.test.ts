import {
  TEST_DATABASE_DEFAULTS,
  type NodeProcess,
  attributeMap,
  OtlpReceiver,
} from '@shipshape/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childEnv, REGISTER, startNode, waitForJsonLine } from './helpers.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN_ID = '00f067aa0ba902b7';
const SPAN_KIND_SERVER = 2;

interface Run {
  readonly receiver: OtlpReceiver;
  readonly app: NodeProcess;
  /** The app's own /metrics text, read after the traffic and before the shutdown. */
  readonly scrape: string;
  readonly exitCode: number | null;
}

/** Starts the orders fixture against a fresh receiver, sends the traffic, stops it with SIGTERM. */
async function runOrdersApp(otelEnv: Record<string, string>): Promise<Run> {
  const receiver = await OtlpReceiver.start();
  const app = startNode(
    [...REGISTER, 'test/fixtures/orders-app.mjs'],
    childEnv({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_SERVICE_NAME: 'orders-fixture',
      DATABASE_URL: process.env['TEST_DATABASE_URL'] ?? TEST_DATABASE_DEFAULTS.adminUrl,
      REDIS_URL: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
      ...otelEnv,
    }),
  );
  try {
    const { listening } = await waitForJsonLine(app, (line) => 'listening' in line);
    const base = `http://127.0.0.1:${String(listening)}`;
    const created = await fetch(`${base}/orders`, {
      method: 'POST',
      headers: { traceparent: `00-${TRACE_ID}-${CALLER_SPAN_ID}-01`, 'x-request-id': 'req-1' },
    });
    expect(created.status).toBe(201);
    // Probe and scrape paths, also with a trailing slash and a query: none may be traced.
    for (const probe of ['/livez', '/livez/', '/livez?verbose=1', '/metrics/?name=x'])
      expect((await fetch(`${base}${probe}`)).status, probe).toBe(200);
    const scrape = await (await fetch(`${base}/metrics`)).text();
    const exit = await app.stop('SIGTERM');
    return { receiver, app, scrape, exitCode: exit.code };
  } catch (error) {
    await app.stop('SIGKILL');
    await receiver.close();
    throw error;
  }
}

/** The samples of a Prometheus text scrape, keyed `name{label="value",…}` with labels sorted. */
function samples(scrape: string): Map<string, number> {
  const map = new Map<string, number>();
  for (const line of scrape.split('\n')) {
    const match = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match === null) continue;
    const labels = [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(
      ([, name, value]) => [name!, value!] as const,
    );
    map.set(sampleKey(match[1]!, Object.fromEntries(labels)), Number(match[3]));
  }
  return map;
}

function sampleKey(name: string, labels: Record<string, string>): string {
  const pairs = Object.entries(labels).map(([label, value]) => `${label}="${value}"`);
  return `${name}{${pairs.sort().join(',')}}`;
}

describe('node --import @shipshape/telemetry/register, OTLP/HTTP JSON to a real receiver', () => {
  let run: Run;

  beforeAll(async () => {
    run = await runOrdersApp({
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      // Long enough that only the final flush at shutdown exports metrics.
      OTEL_METRIC_EXPORT_INTERVAL: '600000',
    });
  }, 60_000);
  afterAll(() => run.receiver.close());

  it('exits 0 after flushing everything in telemetry.shutdown()', () => {
    expect(run.exitCode, run.app.stderr()).toBe(0);
    expect(run.app.stderr()).toBe('');
  });

  it('continues the caller trace in a server span, with express, ioredis, knex and pg spans under it', () => {
    const ours = run.receiver.spans().filter((span) => span.traceId === TRACE_ID);
    const server = ours.find((span) => span.kind === SPAN_KIND_SERVER);
    expect(server).toMatchObject({ name: 'POST /orders', parentSpanId: CALLER_SPAN_ID });
    expect(attributeMap(server?.attributes)).toMatchObject({
      'http.request.method': 'POST',
      'http.route': '/orders',
      'http.response.status_code': 201,
    });
    const names = ours.map((span) => span.name);
    expect(names).toContain('request handler');
    expect(names).toContain('incr');
    expect(names.some((name) => name.startsWith('raw'))).toBe(true);
    expect(names.some((name) => name.startsWith('pg.query'))).toBe(true);
  });

  it('leaves probe and scrape requests untraced, trailing slash and query included', () => {
    const servers = run.receiver.spans().filter((span) => span.kind === SPAN_KIND_SERVER);
    expect(servers.map((span) => attributeMap(span.attributes)['url.path'])).toEqual(['/orders']);
  });

  it('flushes once when shutdown() is called twice: the same promise, nothing exported twice', () => {
    expect(run.app.stdoutLines.map((line) => line.trim())).toContain(
      JSON.stringify({ shutdown_same_promise: true }),
    );
    // Metrics export only at shutdown here (a 600 s interval): a second flush would post again.
    expect(run.receiver.requests.filter((r) => r.path === '/v1/metrics')).toHaveLength(1);
    const spanIds = run.receiver.spans().map((span) => span.spanId);
    expect(new Set(spanIds).size).toBe(spanIds.length);
    const created = run.receiver
      .logRecords()
      .filter((record) => record.body?.stringValue === 'order created');
    expect(created).toHaveLength(1);
  });

  it('sends the log lines as log records carrying the trace id and the request id', () => {
    const record = run.receiver.logRecords().find((r) => r.body?.stringValue === 'order created');
    const spanIds = run.receiver.spans().map((span) => span.spanId);
    expect(record).toMatchObject({ traceId: TRACE_ID, severityText: 'info' });
    expect(spanIds).toContain(record?.spanId);
    expect(attributeMap(record?.attributes)).toEqual({ request_id: 'req-1', order_id: '1' });
  });

  it('pushes the registry series over OTLP with the values /metrics shows', () => {
    const scraped = samples(run.scrape);
    const labels = {
      http_request_method: 'POST',
      http_route: '/orders',
      http_response_status_code: '201',
      service: 'orders-fixture',
    };
    const series = (suffix: string, extra: Record<string, string> = {}) =>
      scraped.get(
        sampleKey(`http_server_request_duration_seconds${suffix}`, { ...labels, ...extra }),
      );
    const bucket = (le: string) => series('_bucket', { le });

    const histogram = run.receiver.latestMetric('http_server_request_duration_seconds');
    expect(histogram).toMatchObject({
      unit: 's',
      description: 'Duration of HTTP server requests.',
    });
    const point = histogram?.histogram?.dataPoints[0];
    expect(attributeMap(point?.attributes)).toEqual(labels);
    expect(point?.explicitBounds).toEqual([0.005, 0.05, 0.5, 5]);
    const cumulative = point?.bucketCounts
      .map(Number)
      .map((_, i, counts) => counts.slice(0, i + 1).reduce((a, b) => a + b, 0));
    expect(cumulative).toEqual([
      bucket('0.005'),
      bucket('0.05'),
      bucket('0.5'),
      bucket('5'),
      bucket('+Inf'),
    ]);
    expect(Number(point?.count)).toBe(series('_count'));
    expect(point?.sum).toBe(series('_sum'));

    const counter = run.receiver.latestMetric('orders_created_total');
    expect(counter?.sum).toMatchObject({ isMonotonic: true, aggregationTemporality: 2 });
    expect(counter?.sum?.dataPoints[0]?.asDouble).toBe(
      scraped.get(sampleKey('orders_created_total', { service: 'orders-fixture' })),
    );
    const gauge = run.receiver.latestMetric('queue_jobs');
    expect(gauge?.gauge?.dataPoints[0]?.asDouble).toBe(
      scraped.get(sampleKey('queue_jobs', { queue: 'orders', service: 'orders-fixture' })),
    );
  });

  it('sends no second copy of the HTTP metrics from the http instrumentation', () => {
    expect(run.receiver.latestMetric('http.server.request.duration')).toBeUndefined();
  });
});

describe('with the default OTLP protocol (http/protobuf)', () => {
  let run: Run;

  beforeAll(async () => {
    run = await runOrdersApp({});
  }, 60_000);
  afterAll(() => run.receiver.close());

  it('posts protobuf to all three signal paths, carrying the trace id and the metric names', () => {
    expect(run.exitCode, run.app.stderr()).toBe(0);
    const body = (path: string) =>
      Buffer.concat(run.receiver.requests.filter((r) => r.path === path).map((r) => r.body));
    for (const path of ['/v1/traces', '/v1/logs', '/v1/metrics'])
      expect(
        run.receiver.requests.filter((r) => r.path === path).map((r) => r.contentType),
        path,
      ).toContain('application/x-protobuf');
    const traceIdBytes = Buffer.from(TRACE_ID, 'hex');
    expect(body('/v1/traces').includes(traceIdBytes)).toBe(true);
    expect(body('/v1/logs').includes(traceIdBytes)).toBe(true);
    expect(body('/v1/logs').includes('req-1')).toBe(true);
    expect(body('/v1/metrics').includes('http_server_request_duration_seconds')).toBe(true);
  });
});
