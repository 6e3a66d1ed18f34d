import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Capture } from '../test/helpers.js';
import { runWithContext } from './context.js';
import { createLogger } from './logger.js';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const contextManager = new AsyncLocalStorageContextManager();

beforeAll(() => {
  contextManager.enable();
  context.setGlobalContextManager(contextManager);
  trace.setGlobalTracerProvider(provider);
});

afterAll(async () => {
  await provider.shutdown();
  trace.disable();
  context.disable();
});

describe('trace correlation', () => {
  it('every line inside an active span carries its trace_id and span_id, through awaits', async () => {
    const out = new Capture();
    const logger = createLogger({ service: 'api', destination: out });
    const tracer = trace.getTracer('test');
    logger.info('before any span');
    await tracer.startActiveSpan('outer', async (outer) => {
      logger.info('in outer');
      await tracer.startActiveSpan('inner', async (inner) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        runWithContext({ request_id: 'r-7' }, () => {
          logger.info('in inner');
        });
        inner.end();
      });
      await Promise.resolve();
      logger.info('back in outer');
      outer.end();
    });
    await provider.forceFlush();
    await logger.flush();
    const spans = new Map(
      exporter.getFinishedSpans().map((span) => [span.name, span.spanContext()]),
    );
    const outer = spans.get('outer')!;
    const inner = spans.get('inner')!;
    const [before, inOuter, inInner, backInOuter] = out.lines();
    expect(before).not.toHaveProperty('trace_id');
    expect(inOuter).toMatchObject({ trace_id: outer.traceId, span_id: outer.spanId });
    expect(inInner).toMatchObject({
      trace_id: inner.traceId,
      span_id: inner.spanId,
      request_id: 'r-7',
    });
    expect(inner.traceId).toBe(outer.traceId);
    expect(inner.spanId).not.toBe(outer.spanId);
    expect(backInOuter).toMatchObject({ span_id: outer.spanId });
  });

  it('pretty lines carry the ids too', async () => {
    process.env.NO_COLOR = '1';
    const out = new Capture();
    const logger = createLogger({ service: 'api', destination: out, format: 'pretty' });
    const span = trace.getTracer('test').startSpan('p');
    context.with(trace.setSpan(context.active(), span), () => {
      logger.info('pretty in span');
    });
    span.end();
    await logger.flush();
    delete process.env.NO_COLOR;
    expect(out.text).toContain(`trace_id=${span.spanContext().traceId}`);
  });
});
