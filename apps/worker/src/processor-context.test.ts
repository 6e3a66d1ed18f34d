import { PassThrough } from 'node:stream';
import { SpanKind, context, propagation, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { createLogger, runInJobContext } from '@shipshape/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migratedSqlite, type MigratedSqlite } from '../test/helpers/migrated-sqlite.js';
import { insertOrder } from '../test/helpers/orders.js';
import type { Database } from './database.js';
import { createOrderProcessor } from './order-processor.js';
import { createProviderStandIn } from './provider.js';

describe('a job continues the API request: trace and request id', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  let sqlite: MigratedSqlite;
  let database: Database;

  beforeAll(async () => {
    provider.register();
    sqlite = await migratedSqlite();
    database = sqlite.database;
  });
  afterAll(async () => {
    await sqlite.cleanup();
    await provider.shutdown();
    trace.disable();
    propagation.disable();
    context.disable();
  });

  it('runs the job span as a child of the API server span, and every job log line carries request_id and trace_id', async () => {
    const stream = new PassThrough();
    const chunks: string[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
    const logger = createLogger({ service: 'example-worker', level: 'debug', destination: stream });

    // What the API does: a SERVER span for POST /v1/orders, its context injected into the job.
    const tracer = trace.getTracer('api');
    const server = tracer.startSpan('POST /v1/orders', { kind: SpanKind.SERVER });
    const carrier: Record<string, string> = {};
    propagation.inject(trace.setSpan(context.active(), server), carrier);
    server.end();

    await insertOrder(database.knex, { id: 'o-ctx' });
    const processor = createOrderProcessor({
      db: database.knex,
      logger,
      provider: createProviderStandIn({ latencyMs: 5 }),
      runInJobContext,
    });
    await processor({
      id: 'o-ctx',
      name: 'order.confirm',
      queueName: 'orders',
      attemptsMade: 0,
      data: { order_id: 'o-ctx', request_id: 'req-from-api', trace_context: carrier },
    });
    await logger.flush();
    await provider.forceFlush();

    const traceId = server.spanContext().traceId;
    const jobSpan = exporter.getFinishedSpans().find((s) => s.kind === SpanKind.CONSUMER)!;
    expect(jobSpan.spanContext().traceId).toBe(traceId);
    expect(jobSpan.parentSpanContext?.spanId).toBe(server.spanContext().spanId);

    const lines = chunks
      .join('')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const jobLines = lines.filter((l) => l['messaging.message.id'] === 'o-ctx');
    expect(jobLines.map((l) => l.message)).toEqual([
      'order confirmation started',
      'order confirmed',
    ]);
    for (const line of jobLines) {
      expect(line).toMatchObject({
        'messaging.destination.name': 'orders',
        request_id: 'req-from-api',
        trace_id: traceId,
        span_id: jobSpan.spanContext().spanId,
      });
    }
  });
});
