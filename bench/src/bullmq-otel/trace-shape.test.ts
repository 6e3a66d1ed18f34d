import { ROOT_CONTEXT, SpanKind, context, trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { traceShape } from './trace-shape.js';

function recorder() {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return { tracer: provider.getTracer('test'), exporter };
}

describe('traceShape', () => {
  it('counts a job whose consumer descends from the producer and the server span', () => {
    const { tracer, exporter } = recorder();
    const server = tracer.startSpan('POST /v1/orders', { kind: SpanKind.SERVER });
    const inServer = trace.setSpan(ROOT_CONTEXT, server);
    const producer = tracer.startSpan('send orders', { kind: SpanKind.PRODUCER }, inServer);
    const consumer = tracer.startSpan(
      'process orders',
      { kind: SpanKind.CONSUMER },
      trace.setSpan(ROOT_CONTEXT, producer),
    );
    for (const span of [consumer, producer, server]) span.end();

    const shape = traceShape(exporter.getFinishedSpans(), 1);
    expect(shape).toMatchObject({
      spansPerJob: 3,
      consumers: 1,
      serverProducerConsumer: 1,
      inServerTrace: 1,
      linkedToServerTrace: 0,
    });
    expect(shape.perJob.map((p) => p.span).sort()).toEqual([
      'POST /v1/orders (SERVER)',
      'process orders (CONSUMER)',
      'send orders (PRODUCER)',
    ]);
  });

  it('does not count a consumer parented straight to the server span, or one in a new trace', () => {
    const { tracer, exporter } = recorder();
    const server = tracer.startSpan('POST /v1/orders', { kind: SpanKind.SERVER });
    const inServer = trace.setSpan(context.active(), server);
    // No producer in between: same trace, wrong shape.
    const direct = tracer.startSpan('process orders', { kind: SpanKind.CONSUMER }, inServer);
    // A new trace that only links back to the request.
    const linked = tracer.startSpan(
      'process orders',
      { kind: SpanKind.CONSUMER, links: [{ context: server.spanContext() }] },
      ROOT_CONTEXT,
    );
    for (const span of [direct, linked, server]) span.end();

    expect(traceShape(exporter.getFinishedSpans(), 2)).toMatchObject({
      spansPerJob: 1.5,
      consumers: 2,
      serverProducerConsumer: 0,
      inServerTrace: 1,
      linkedToServerTrace: 1,
    });
  });
});
