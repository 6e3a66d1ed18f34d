import {
  context,
  isSpanContextValid,
  ROOT_CONTEXT,
  trace,
  TraceFlags,
  type Context,
} from '@opentelemetry/api';
import { OpenTelemetryTransportV3 } from '@opentelemetry/winston-transport';
import type { LogTransportOptions } from './telemetry.js';

/** Where OpenTelemetry's winston transport looks for a record's context. */
const OTEL_CONTEXT = Symbol.for('opentelemetry.js.contrib.winston.context');
const LEVEL = Symbol.for('level');

type Info = Record<string | symbol, unknown>;

/**
 * OpenTelemetry's own winston transport, emitting through the SDK's global LoggerProvider, plus
 * one thing: a line that carries `trace_id`/`span_id` fields (as @shipshape/logger writes them) is
 * emitted in that span's context even when it reaches the transport outside it.
 */
class TraceContextTransport extends OpenTelemetryTransportV3 {
  override log(info: Info, callback: () => void): void {
    const record: Info = { ...info };
    record[LEVEL] ??= record['level'];
    if (record[OTEL_CONTEXT] === undefined) {
      const fromFields = contextOfFields(record);
      if (fromFields !== undefined) record[OTEL_CONTEXT] = fromFields;
    }
    super.log(record, callback);
  }
}

export function createLogTransport(options: LogTransportOptions = {}): OpenTelemetryTransportV3 {
  return new TraceContextTransport(options);
}

function contextOfFields(record: Info): Context | undefined {
  const traceId = record['trace_id'];
  const spanId = record['span_id'];
  if (typeof traceId !== 'string' || typeof spanId !== 'string') return undefined;
  const active = trace.getSpanContext(context.active());
  if (active?.traceId === traceId && active.spanId === spanId) return undefined;
  const flags = record['trace_flags'];
  const spanContext = {
    traceId,
    spanId,
    traceFlags:
      typeof flags === 'string' && /^[0-9a-f]{2}$/.test(flags)
        ? Number.parseInt(flags, 16)
        : TraceFlags.NONE,
    isRemote: true,
  };
  return isSpanContextValid(spanContext)
    ? trace.setSpanContext(ROOT_CONTEXT, spanContext)
    : undefined;
}
