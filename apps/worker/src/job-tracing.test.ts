import { SpanKind, context, propagation, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInJobSpan } from './job-tracing.js';
import type { TraceCarrier } from './order-job.js';

describe('runInJobSpan', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

  beforeAll(() => {
    provider.register();
  });
  afterAll(async () => {
    await provider.shutdown();
    trace.disable();
    propagation.disable();
    context.disable();
  });

  const job = { id: 'o-1', name: 'order.confirm', queueName: 'orders', attempt: 1 };

  it("continues the producer's trace as a CONSUMER child span", async () => {
    exporter.reset();
    const tracer = trace.getTracer('test');
    const server = tracer.startSpan('POST /v1/orders', { kind: SpanKind.SERVER });
    const carrier: Record<string, string> = {};
    propagation.inject(trace.setSpan(context.active(), server), carrier);
    server.end();
    expect(carrier.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);

    const activeTraceId = await runInJobSpan(tracer, job, carrier as TraceCarrier, () =>
      Promise.resolve(trace.getActiveSpan()?.spanContext().traceId),
    );
    await provider.forceFlush();
    const jobSpan = exporter.getFinishedSpans().find((s) => s.name === 'process orders')!;
    expect(jobSpan.kind).toBe(SpanKind.CONSUMER);
    expect(jobSpan.spanContext().traceId).toBe(server.spanContext().traceId);
    expect(jobSpan.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
    expect(activeTraceId).toBe(server.spanContext().traceId);
    expect(jobSpan.attributes).toMatchObject({
      'messaging.system': 'bullmq',
      'messaging.destination.name': 'orders',
      'messaging.message.id': 'o-1',
    });
  });

  it('starts a new trace without a carrier and records a failure on the span', async () => {
    exporter.reset();
    const tracer = trace.getTracer('test');
    await expect(
      runInJobSpan(tracer, job, undefined, () => Promise.reject(new Error('provider down'))),
    ).rejects.toThrow('provider down');
    await provider.forceFlush();
    const [span] = exporter.getFinishedSpans();
    expect(span?.parentSpanContext).toBeUndefined();
    expect(span?.status).toEqual({ code: 2, message: 'provider down' });
    expect(span?.events.map((e) => e.name)).toEqual(['exception']);
  });
});
