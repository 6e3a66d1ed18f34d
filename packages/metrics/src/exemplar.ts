import { context, isSpanContextValid, trace, TraceFlags } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';

/** The trace id of the span active in `ctx` (default: the current context) when it is sampled. */
export function sampledTraceId(ctx: Context = context.active()): string | undefined {
  const span = trace.getSpan(ctx);
  if (span === undefined) return undefined;
  const spanContext = span.spanContext();
  if ((spanContext.traceFlags & TraceFlags.SAMPLED) === 0) return undefined;
  return isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}
