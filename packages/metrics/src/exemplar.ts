import { context, isSpanContextValid, trace, TraceFlags } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';
import type { SpanLike } from '@shipshape/contracts';

/** The trace id of the span active in `ctx` (default: the current context) when it is sampled. */
export function sampledTraceId(ctx: Context = context.active()): string | undefined {
  return sampledTraceIdOf(trace.getSpan(ctx));
}

/** The trace id of `span` when it is sampled and valid (the span a request lifecycle captured). */
export function sampledTraceIdOf(span: SpanLike | undefined): string | undefined {
  if (span === undefined) return undefined;
  const spanContext = span.spanContext();
  if ((spanContext.traceFlags & TraceFlags.SAMPLED) === 0) return undefined;
  return isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}
