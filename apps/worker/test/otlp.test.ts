import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  attributeMap,
  freePort,
  OtlpReceiver,
  startRedisServer,
  type RedisServer,
} from '@shipshape/testkit';
import {
  sqliteStore,
  startReadyApi,
  startReadyWorker,
  untilAllConfirmed,
  type Api,
  type OrderStore,
} from './helpers/order-stack.js';
import type { AppProcess } from './helpers/processes.js';
import { histogramFromScrape, lastExported, sampleKey, scrapeSamples } from './otlp-metrics.js';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const CALLER_SPAN = 'b7ad6b7169203331';

/**
 * Both apps started as production starts them (`node --import @shipshape/telemetry/register`) with
 * one OTLP endpoint: one POST yields one trace across the queue, log records from both apps in that
 * trace, and the series /metrics serves, over OTLP.
 */
describe('OpenTelemetry over OTLP across the API, the queue and the worker', () => {
  let receiver: OtlpReceiver;
  let redis: RedisServer;
  let store: OrderStore;
  let api: Api;
  let worker: AppProcess;
  let workerAdminUrl: string;

  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
    redis = await startRedisServer();
    store = await sqliteStore();
    const env = {
      ...store.env,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: 'otlp',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_LOGS_EXPORTER: 'otlp',
      OTEL_METRICS_EXPORTER: 'otlp',
      OTEL_METRIC_EXPORT_INTERVAL: '500',
      OTEL_BSP_SCHEDULE_DELAY: '200',
    };
    api = await startReadyApi('api', { ...env, OTEL_SERVICE_NAME: 'api' });
    const workerAdminPort = await freePort();
    workerAdminUrl = `http://127.0.0.1:${String(workerAdminPort)}`;
    worker = await startReadyWorker('worker', {
      ...env,
      OTEL_SERVICE_NAME: 'worker',
      ADMIN_PORT: String(workerAdminPort),
    });
  });

  afterAll(async () => {
    await Promise.all([api.process.stop(), worker.stop()]);
    await store.close();
    await redis.destroy();
    await receiver.close();
  });

  it('one POST: server, send and process spans in one trace; both apps’ log records in it; HTTP and queue metrics', async () => {
    const response = await fetch(`${api.url}/v1/orders`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        traceparent: `00-${TRACE_ID}-${CALLER_SPAN}-01`,
      },
      body: JSON.stringify({
        customer_email: 'otlp@example.com',
        items: [{ sku: 'SKU-1', quantity: 1, unit_price_cents: 100 }],
      }),
    });
    expect(response.status).toBe(201);
    const requestId = response.headers.get('x-request-id');
    await untilAllConfirmed(store.knex, 30_000);
    // What each app's /metrics shows once the order is confirmed; nothing changes these series
    // afterwards, so the last OTLP export (the final flush at shutdown) must carry the same values.
    const [apiScrape, workerScrape] = await Promise.all(
      [api.adminUrl, workerAdminUrl].map(async (url) =>
        scrapeSamples(await (await fetch(`${url}/metrics`)).text()),
      ),
    );
    // SIGTERM: each app's final hook flushes what its batch processors still hold.
    await Promise.all([api.process.stop(), worker.stop()]);

    const spans = receiver.spans().filter((span) => span.traceId === TRACE_ID);
    const byName = new Map(spans.map((span) => [span.name, span]));
    const server = byName.get('POST /v1/orders');
    const send = byName.get('send orders');
    const process = byName.get('process orders');
    expect(server?.parentSpanId).toBe(CALLER_SPAN);
    expect(send).toBeDefined();
    expect(process?.parentSpanId).toBe(send?.spanId);
    expect(attributeMap(process?.attributes)).toMatchObject({
      'messaging.system': 'bullmq',
      'messaging.destination.name': 'orders',
      'messaging.operation.type': 'process',
    });

    const inTrace = receiver.logRecords().filter((record) => record.traceId === TRACE_ID);
    const services = new Set(inTrace.map((record) => attributeMap(record.attributes)['service']));
    expect(services).toEqual(new Set(['api', 'worker']));
    for (const record of inTrace)
      expect(attributeMap(record.attributes)['request_id']).toBe(requestId);
    expect(inTrace.map((record) => record.body?.stringValue)).toEqual(
      expect.arrayContaining(['order created', 'order confirmed']),
    );

    // (c) the HTTP duration histogram of the POST route: count, sum and every bucket.
    const http = lastExported(receiver, 'api', 'http_server_request_duration_seconds');
    const posts = (http?.histogram?.dataPoints ?? []).filter(
      (point) => attributeMap(point.attributes)['http_route'] === '/v1/orders',
    );
    expect(posts.map((point) => Number(point.count))).toEqual([1]);
    for (const point of posts) {
      expect({
        count: Number(point.count),
        sum: point.sum,
        bucketCounts: point.bucketCounts.map(Number),
      }).toEqual(
        histogramFromScrape(
          apiScrape!,
          'http_server_request_duration_seconds',
          attributeMap(point.attributes),
          point.explicitBounds,
        ),
      );
    }

    // (c) the queue series: jobs completed, per label set, as the worker's /metrics shows them.
    const completed = lastExported(receiver, 'worker', 'bullmq_jobs_completed_total');
    const points = completed?.sum?.dataPoints ?? [];
    expect(points.length).toBeGreaterThan(0);
    const exported = points.map((point) => [
      sampleKey('bullmq_jobs_completed_total', attributeMap(point.attributes)),
      Number(point.asDouble ?? point.asInt),
    ]);
    const scraped = exported.map(([key]) => [key, workerScrape!.get(key as string)]);
    expect(exported).toEqual(scraped);
    expect(exported.reduce((sum, [, value]) => sum + (value as number), 0)).toBe(1);
  }, 120_000);
});
