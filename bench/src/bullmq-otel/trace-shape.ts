// What the spans of one contender look like: how many per job, of which names and kinds, and
// whether each job's consumer span sits in the trace of the request that enqueued it.
import { SpanKind } from '@opentelemetry/api';

/** The fields of an SDK `ReadableSpan` this analysis reads (sdk-trace-base 2.x names). */
export interface SpanRecord {
  readonly name: string;
  readonly kind: SpanKind;
  readonly spanContext: () => { readonly traceId: string; readonly spanId: string };
  readonly parentSpanContext?: { readonly spanId: string } | undefined;
  readonly links: readonly { readonly context: { readonly traceId: string } }[];
}

export interface TraceShape {
  /** Every span per job (the SERVER span of the simulated request included). */
  readonly spansPerJob: number;
  /** `name (KIND)` → spans of that name and kind per job, most frequent first. */
  readonly perJob: readonly { readonly span: string; readonly perJob: number }[];
  /** CONSUMER spans seen (one per processed job when each job is processed once). */
  readonly consumers: number;
  /** Consumers whose parent chain is … → SERVER → … → PRODUCER → … → CONSUMER, in one trace. */
  readonly serverProducerConsumer: number;
  /** Consumers whose trace id is the trace id of a SERVER span (by parent or otherwise). */
  readonly inServerTrace: number;
  /** Consumers carrying a link to a span of a SERVER span's trace. */
  readonly linkedToServerTrace: number;
}

const kindName = (kind: SpanKind) => SpanKind[kind];

export function traceShape(spans: readonly SpanRecord[], jobs: number): TraceShape {
  const byId = new Map(spans.map((span) => [span.spanContext().spanId, span]));
  const serverTraces = new Set(
    spans.filter((span) => span.kind === SpanKind.SERVER).map((span) => span.spanContext().traceId),
  );
  const counts = new Map<string, number>();
  for (const span of spans) {
    const key = `${span.name} (${kindName(span.kind)})`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }

  let consumers = 0;
  let serverProducerConsumer = 0;
  let inServerTrace = 0;
  let linkedToServerTrace = 0;
  for (const span of spans) {
    if (span.kind !== SpanKind.CONSUMER) continue;
    consumers++;
    const traceId = span.spanContext().traceId;
    if (serverTraces.has(traceId)) inServerTrace++;
    if (span.links.some((link) => serverTraces.has(link.context.traceId))) linkedToServerTrace++;
    // Walk up the parents: a PRODUCER must come first, then a SERVER, all in the consumer's trace.
    let sawProducer = false;
    let parentId = span.parentSpanContext?.spanId;
    const seen = new Set<string>();
    while (parentId !== undefined && !seen.has(parentId)) {
      seen.add(parentId);
      const parent = byId.get(parentId);
      if (parent === undefined || parent.spanContext().traceId !== traceId) break;
      if (parent.kind === SpanKind.PRODUCER) sawProducer = true;
      if (parent.kind === SpanKind.SERVER) {
        if (sawProducer) serverProducerConsumer++;
        break;
      }
      parentId = parent.parentSpanContext?.spanId;
    }
  }

  const divisor = Math.max(jobs, 1);
  return {
    spansPerJob: spans.length / divisor,
    perJob: [...counts]
      .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
      .map(([span, count]) => ({ span, perJob: count / divisor })),
    consumers,
    serverProducerConsumer,
    inServerTrace,
    linkedToServerTrace,
  };
}
