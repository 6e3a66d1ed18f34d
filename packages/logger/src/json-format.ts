import type { Span } from '@opentelemetry/api';
import { safeKey, type Bindings } from './bindings.js';
import type { ContextStore } from './context.js';
import { Clock, type LineFormatter } from './format.js';
import type { Level } from './levels.js';
import type { Serializer } from './serialize.js';
import type { TraceReader } from './trace.js';

const keep = (key: string): string => key;

/**
 * One JSON object per line, built as a string in one pass: timestamp, level, message, service,
 * version, commit, context (request_id, job_id, queue), trace_id, span_id, logger fields, call
 * fields. Every source is serialised as it stands unless a key repeats across sources.
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
    const traceJson = this.#trace.fragment(span);
    const keys = bindings.keys;
    const contextJson = this.#contextJson(keys, store, traceJson);
    if (contextJson === undefined)
      return this.#layered(level, message, bindings, fields, store, span);
    let fieldsJson = '';
    if (fields !== undefined) {
      for (const key in fields) {
        if (
          keys.has(key) ||
          (store !== undefined && key in store.fields) ||
          (traceJson !== '' && isTraceKey(key))
        ) {
          return this.#layered(level, message, bindings, fields, store, span);
        }
      }
      fieldsJson = this.#serializer.members(fields);
    }
    return this.#line(level, message, bindings, contextJson, traceJson, fieldsJson);
  }

  /**
   * A line whose call fields are already JSON (`fieldsJson`, `,"key":value…`): what the access
   * log writes. The caller guarantees its keys repeat neither the bindings nor the trace ids; when
   * the context repeats one of `fieldKeys` or a binding, the line is built from `fields()` instead.
   */
  formatPrebuilt(
    level: Level,
    message: string,
    bindings: Bindings,
    fieldKeys: ReadonlySet<string>,
    fieldsJson: string,
    fields: () => Readonly<Record<string, unknown>>,
    store: ContextStore | undefined,
    span: Span | undefined,
  ): string {
    const traceJson = this.#trace.fragment(span);
    let contextJson = this.#contextJson(bindings.keys, store, traceJson);
    if (contextJson !== undefined && store !== undefined) {
      for (const key in store.fields) {
        if (fieldKeys.has(key)) {
          contextJson = undefined;
          break;
        }
      }
    }
    if (contextJson === undefined)
      return this.#layered(level, message, bindings, fields(), store, span);
    return this.#line(level, message, bindings, contextJson, traceJson, fieldsJson);
  }

  /** A whole line from its parts, in the order every line has: core, bindings, context, trace, fields. */
  #line(
    level: Level,
    message: string,
    bindings: Bindings,
    contextJson: string,
    traceJson: string,
    fieldsJson: string,
  ): string {
    return (
      this.#start(level, message) +
      bindings.headJson +
      contextJson +
      traceJson +
      bindings.restJson +
      fieldsJson +
      '}\n'
    );
  }

  /** The context's members (cached on the store), or undefined when a key repeats a binding or trace id. */
  #contextJson(
    keys: ReadonlySet<string>,
    store: ContextStore | undefined,
    traceJson: string,
  ): string | undefined {
    if (store === undefined) return '';
    const context = store.fields;
    for (const key in context) {
      if (keys.has(key) || (traceJson !== '' && isTraceKey(key))) return undefined;
    }
    if (store.cacheOwner !== this) {
      store.cacheOwner = this;
      store.cacheJson = this.#serializer.members(context);
    }
    return store.cacheJson;
  }

  #start(level: Level, message: string): string {
    return (
      '{"timestamp":"' +
      this.#clock.now() +
      '","level":"' +
      level +
      '","message":' +
      this.#serializer.string(message)
    );
  }

  /**
   * When a key repeats across sources: each source is written without the keys a later one
   * provides (later sources win), so no key repeats and nothing is merged into new objects.
   */
  #layered(
    level: Level,
    message: string,
    bindings: Bindings,
    fields: Readonly<Record<string, unknown>> | undefined,
    store: ContextStore | undefined,
    span: Span | undefined,
  ): string {
    const serializer = this.#serializer;
    const later = new Set<string>();
    const fieldsJson =
      fields === undefined ? '' : serializer.membersRenamed(fields, safeKey, later, later);
    const restJson = serializer.membersRenamed(bindings.rest, keep, later, later);
    let traceJson = '';
    const ids = this.#trace.ids(span);
    if (ids !== undefined) {
      if (!later.has('trace_id')) traceJson += ',"trace_id":"' + ids.trace_id + '"';
      if (!later.has('span_id')) traceJson += ',"span_id":"' + ids.span_id + '"';
      later.add('trace_id').add('span_id');
    }
    const contextJson =
      store === undefined ? '' : serializer.membersRenamed(store.fields, safeKey, later, later);
    const headJson = serializer.membersRenamed(bindings.head, keep, later);
    return (
      this.#start(level, message) +
      headJson +
      contextJson +
      traceJson +
      restJson +
      fieldsJson +
      '}\n'
    );
  }
}

export function isTraceKey(key: string): boolean {
  return key === 'trace_id' || key === 'span_id';
}
