import { isSpanContextValid, trace, type Span, type SpanContext } from '@opentelemetry/api';

/** Reads trace_id/span_id from the active OpenTelemetry span; caches the last JSON fragment. */
export class TraceReader {
  #last: SpanContext | undefined;
  #lastJson = '';

  /** The span active right now (undefined without a registered SDK or outside a span). */
  activeSpan(): Span | undefined {
    return trace.getActiveSpan();
  }

  /** `,"trace_id":"…","span_id":"…"` for the span, or '' when there is none or it is invalid. */
  fragment(span: Span | undefined): string {
    if (span === undefined) return '';
    const spanContext = span.spanContext();
    if (spanContext === this.#last) return this.#lastJson;
    this.#last = spanContext;
    this.#lastJson = isSpanContextValid(spanContext)
      ? ',"trace_id":"' + spanContext.traceId + '","span_id":"' + spanContext.spanId + '"'
      : '';
    return this.#lastJson;
  }

  /** The ids as fields (for the pretty format). */
  ids(span: Span | undefined): { trace_id: string; span_id: string } | undefined {
    if (span === undefined) return undefined;
    const spanContext = span.spanContext();
    if (!isSpanContextValid(spanContext)) return undefined;
    return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
  }
}
