import type { Span } from '@opentelemetry/api';
import { mergeFields, type Bindings } from './bindings.js';
import type { ContextStore } from './context.js';
import { Clock, type LineFormatter } from './format.js';
import type { Level } from './levels.js';
import type { Serializer } from './serialize.js';
import type { TraceReader } from './trace.js';

/**
 * One JSON object per line, built as a string in one pass: timestamp, level, message, service,
 * version, context (request_id, job_id, queue), trace_id, span_id, logger fields, call fields.
 */
export class JsonFormatter implements LineFormatter {
  readonly #serializer: Serializer;
  readonly #trace: TraceReader;
  readonly #clock = new Clock();

  constructor(serializer: Serializer, trace: TraceReader) {
    this.#serializer = serializer;
    this.#trace = trace;
  }

  format(
    level: Level,
    message: string,
    bindings: Bindings,
    fields: Readonly<Record<string, unknown>> | undefined,
    store: ContextStore | undefined,
    span: Span | undefined,
  ): string {
    const serializer = this.#serializer;
    let contextJson = '';
    if (store !== undefined) {
      for (const key in store.fields) {
        if (bindings.keys.has(key))
          return this.#merged(level, message, bindings, fields, store, span);
      }
      if (store.cacheOwner !== this) {
        store.cacheOwner = this;
        store.cacheJson = serializer.members(store.fields);
      }
      contextJson = store.cacheJson;
    }
    let fieldsJson = '';
    if (fields !== undefined) {
      for (const key in fields) {
        if (bindings.keys.has(key) || (store !== undefined && key in store.fields)) {
          return this.#merged(level, message, bindings, fields, store, span);
        }
      }
      fieldsJson = serializer.members(fields);
    }
    return (
      '{"timestamp":"' +
      this.#clock.now() +
      '","level":"' +
      level +
      '","message":' +
      serializer.string(message) +
      bindings.headJson +
      contextJson +
      this.#trace.fragment(span) +
      bindings.restJson +
      fieldsJson +
      '}\n'
    );
  }

  /** Slow path when keys collide: merge, later sources winning, and serialise once. */
  #merged(
    level: Level,
    message: string,
    bindings: Bindings,
    fields: Readonly<Record<string, unknown>> | undefined,
    store: ContextStore | undefined,
    span: Span | undefined,
  ): string {
    const merged = mergeFields(bindings, store?.fields, this.#trace.ids(span), fields);
    return (
      '{"timestamp":"' +
      this.#clock.now() +
      '","level":"' +
      level +
      '","message":' +
      this.#serializer.string(message) +
      this.#serializer.members(merged) +
      '}\n'
    );
  }
}
