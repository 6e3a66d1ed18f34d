import { context, trace } from '@opentelemetry/api';
import { logs as logsApi } from '@opentelemetry/api-logs';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { logs } from '@opentelemetry/sdk-node';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import winston from 'winston';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogTransport } from './log-transport.js';

const exporter = new logs.InMemoryLogRecordExporter();
const provider = new logs.LoggerProvider({
  processors: [new logs.SimpleLogRecordProcessor({ exporter })],
});
const tracer = new BasicTracerProvider().getTracer('test');

function records() {
  return exporter.getFinishedLogRecords().map((record) => ({
    body: record.body,
    severityText: record.severityText,
    attributes: record.attributes,
    traceId: record.spanContext?.traceId,
    spanId: record.spanContext?.spanId,
  }));
}

// winston's typings declare transports as classes this rule cannot follow (it flags winston's own).
/* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment */

describe('the OTLP log transport', () => {
  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    logsApi.setGlobalLoggerProvider(provider);
  });
  afterAll(async () => {
    await provider.shutdown();
    context.disable();
    logsApi.disable();
  });
  beforeEach(() => exporter.reset());

  it('emits each winston line as a log record in the active span, fields as attributes', () => {
    const logger = winston.createLogger({ transports: [createLogTransport()] });
    const span = tracer.startSpan('POST /orders');
    context.with(trace.setSpan(context.active(), span), () =>
      logger.child({ request_id: 'req-7' }).warn('stock low', { sku: 'A1', units: 2 }),
    );
    span.end();
    expect(records()).toEqual([
      {
        body: 'stock low',
        severityText: 'warn',
        attributes: { request_id: 'req-7', sku: 'A1', units: 2 },
        traceId: span.spanContext().traceId,
        spanId: span.spanContext().spanId,
      },
    ]);
  });

  it('takes the trace context of a line from its trace_id/span_id fields when written outside the span', () => {
    createLogTransport().log(
      {
        level: 'info',
        message: 'job finished',
        trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
        span_id: '00f067aa0ba902b7',
        job_id: '42',
      },
      () => undefined,
    );
    expect(records()).toEqual([
      {
        body: 'job finished',
        severityText: 'info',
        attributes: { job_id: '42' },
        traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
        spanId: '00f067aa0ba902b7',
      },
    ]);
  });

  it('ignores malformed ids and writes the line without a trace context', () => {
    createLogTransport().log(
      { level: 'error', message: 'odd', trace_id: 'not-a-trace', span_id: '00f067aa0ba902b7' },
      () => undefined,
    );
    expect(records()).toEqual([
      {
        body: 'odd',
        severityText: 'error',
        attributes: {},
        traceId: undefined,
        spanId: undefined,
      },
    ]);
  });
});
