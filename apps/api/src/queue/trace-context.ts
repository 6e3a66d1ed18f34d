import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Span,
} from '@opentelemetry/api';

export interface TraceContext {
  readonly traceparent: string;
  readonly tracestate?: string;
}

const TRACEPARENT = /^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;

export function isValidTraceparent(value: string): boolean {
  return TRACEPARENT.test(value);
}

/**
 * The W3C trace context to carry into the job. With tracing on it is injected from the active
 * span (the producer span below); with tracing off the caller's own `traceparent` is passed on
 * unchanged, so the worker's logs still join the caller's trace.
 */
export function traceContextFor(incoming?: {
  traceparent?: string | undefined;
  tracestate?: string | undefined;
}): TraceContext | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  const injected = carrier['traceparent'];
  if (injected !== undefined) {
    const state = carrier['tracestate'];
    return state === undefined
      ? { traceparent: injected }
      : { traceparent: injected, tracestate: state };
  }
  const traceparent = incoming?.traceparent?.trim().toLowerCase();
  if (traceparent === undefined || !isValidTraceparent(traceparent)) return undefined;
  const tracestate = incoming?.tracestate;
  return tracestate === undefined || tracestate === ''
    ? { traceparent }
    : { traceparent, tracestate };
}

const tracer = trace.getTracer('@shipshape/example-api');

/** Runs `fn` with the given W3C trace context as the active parent (the relay, long after the request). */
export function inTraceOf<T>(traceContext: TraceContext | undefined, fn: () => T): T {
  if (traceContext === undefined) return fn();
  const parent = propagation.extract(context.active(), { ...traceContext });
  return context.with(parent, fn);
}

/** Runs `fn` inside a PRODUCER span (messaging semantic conventions), a no-op without an SDK. */
export async function inProducerSpan<T>(
  queueName: string,
  jobId: string,
  fn: () => Promise<T>,
): Promise<T> {
  return tracer.startActiveSpan(
    // Messaging semantic conventions: `{messaging.operation.name} {messaging.destination.name}`;
    // adding a job is a `send` (the consumer side is `process orders`).
    `send ${queueName}`,
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        'messaging.system': 'bullmq',
        'messaging.operation.type': 'send',
        'messaging.operation.name': 'send',
        'messaging.destination.name': queueName,
        'messaging.message.id': jobId,
      },
    },
    async (span: Span) => {
      try {
        return await fn();
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}
