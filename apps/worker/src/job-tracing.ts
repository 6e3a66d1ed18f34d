import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  propagation,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import type { TraceCarrier } from './order-job.js';

export interface TracedJob {
  readonly id: string;
  readonly name: string;
  readonly queueName: string;
  readonly attempt: number;
}

/**
 * Runs `fn` inside a CONSUMER span that continues the trace the API started: the parent is extracted
 * (W3C `traceparent`/`tracestate`, via the globally registered propagator) from the job's
 * `trace_context`, so the API's server span and this job span share one trace id. Without a carrier
 * (or with tracing off) the span starts a new trace / is a no-op.
 */
export async function runInJobSpan<T>(
  tracer: Tracer,
  job: TracedJob,
  carrier: TraceCarrier | undefined,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = carrier ? propagation.extract(ROOT_CONTEXT, carrier) : ROOT_CONTEXT;
  return tracer.startActiveSpan(
    // Messaging semantic conventions: `{messaging.operation.name} {messaging.destination.name}`.
    `process ${job.queueName}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': 'bullmq',
        'messaging.operation.type': 'process',
        'messaging.operation.name': 'process',
        'messaging.destination.name': job.queueName,
        'messaging.message.id': job.id,
        'bullmq.job.name': job.name,
        'bullmq.job.attempt': job.attempt,
      },
    },
    parent,
    async (span) => {
      try {
        const result = await fn(span);
        span.setStatus({ code: SpanStatusCode.OK });
        return result;
      } catch (error) {
        const err = error instanceof Error ? error : new Error(String(error));
        span.recordException(err);
        span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}
