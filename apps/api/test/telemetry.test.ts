import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attributeMap, OtlpReceiver } from '@shipshape/testkit';
import { isolatedEnv, startApp, waitForLog, type AppProcess } from './helpers/app-process.js';
import { call, ORDER } from './helpers/http.js';
import { deleteKeys, readJob } from './helpers/redis.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';

describe('telemetry: node --import @shipshape/telemetry/register with an OTLP endpoint', () => {
  let collector: OtlpReceiver;
  let app: AppProcess;
  const env = isolatedEnv();

  beforeAll(async () => {
    collector = await OtlpReceiver.start();
    app = await startApp({
      telemetry: true,
      env: {
        ...env,
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_LOGS_EXPORTER: 'otlp',
        OTEL_METRICS_EXPORTER: 'otlp',
        OTEL_METRIC_EXPORT_INTERVAL: '1000',
        OTEL_SERVICE_NAME: 'api-under-test',
        LOG_LEVEL: 'debug',
      },
    });
  });

  afterAll(async () => {
    await app.stop('SIGKILL');
    await collector.close();
    await deleteKeys(env['QUEUE_PREFIX']!);
  });

  it('continues the caller trace into logs and the job, and flushes the spans as a final shutdown hook', async () => {
    const res = await call(`${app.url}/v1/orders`, {
      method: 'POST',
      json: ORDER,
      headers: { traceparent: `00-${TRACE_ID}-${CALLER_SPAN}-01` },
    });
    expect(res.status).toBe(201);
    const id = res.body.id as string;

    // Log lines written inside the request carry the request id and the active span.
    const created = await waitForLog(
      app,
      (l) => l.message === 'order created' && l['order_id'] === id,
    );
    expect(created).toMatchObject({
      request_id: res.headers.get('x-request-id'),
      trace_id: TRACE_ID,
    });
    expect(created['span_id']).toMatch(/^[0-9a-f]{16}$/);

    // The job carries the producer span's context: same trace, a new parent.
    const job = await readJob(env['QUEUE_PREFIX']!, id);
    const traceparent = (JSON.parse(job['data']!) as { trace_context: { traceparent: string } })
      .trace_context.traceparent;
    const [, traceId, parentId] = traceparent.split('-');
    expect(traceId).toBe(TRACE_ID);
    expect(parentId).not.toBe(CALLER_SPAN);

    // The batch processor exports every 5 s; what it still holds at SIGTERM is flushed by the final hook.
    const exit = await app.stop('SIGTERM');
    expect(exit.code).toBe(0);
    const ours = collector.spans().filter((span) => span.traceId === TRACE_ID);
    const names = ours.map((span) => span.name);
    expect(names).toContain('POST /v1/orders');
    expect(names).toContain('send orders');
    const publish = ours.find((span) => span.name === 'send orders')!;
    expect(publish.spanId).toBe(parentId);
    expect(publish.attributes).toContainEqual({
      key: 'messaging.message.id',
      value: { stringValue: id },
    });
    // express, knex and ioredis instrumentation took part through the ESM loader hook.
    expect(ours.some((span) => span.name.startsWith('insert'))).toBe(true);
    expect(ours.some((span) => span.name === 'evalsha' || span.name === 'eval')).toBe(true);
    expect(
      ours.some(
        (span) =>
          span.name.startsWith('router - /v1/orders') || span.name.startsWith('request handler'),
      ),
    ).toBe(true);
    const flushed = app.logs.find((l) =>
      l.message.startsWith('shutdown hook "telemetry" finished'),
    );
    expect(flushed?.['final']).toBe(true);

    // The same log lines went out as OTLP log records, in the caller's trace, with the request id.
    const record = collector.logRecords().find((r) => r.body?.stringValue === 'order created');
    expect(record?.traceId).toBe(TRACE_ID);
    expect(attributeMap(record?.attributes)['request_id']).toBe(res.headers.get('x-request-id'));
    // And the series /metrics serves, over OTLP: the request counted in the HTTP duration histogram.
    const histogram = collector.latestMetric('http_server_request_duration_seconds');
    const posts = histogram?.histogram?.dataPoints.filter(
      (point) => attributeMap(point.attributes)['http_route'] === '/v1/orders',
    );
    expect(posts?.length).toBeGreaterThan(0);
  });
});
