import { REDACTED, type Redactor } from './redact.js';

const MAX_DEPTH = 10;
/** Strings up to this length are scanned for characters JSON escapes; most have none. */
const FAST_QUOTE_MAX_CHARS = 64;

/**
 * `JSON.stringify(text)`, without its call for the short printable-ASCII strings most fields are
 * (methods, routes, paths, ids): those are quoted as they are.
 */
function quote(text: string): string {
  if (text.length > FAST_QUOTE_MAX_CHARS) return JSON.stringify(text);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // Control characters, `"`, `\\` and anything beyond ASCII (lone surrogates) take the full path.
    if (code < 32 || code === 34 || code === 92 || code > 126) return JSON.stringify(text);
  }
  return '"' + text + '"';
}

/**
 * Builds JSON text directly (no intermediate objects): redacts sensitive keys at any depth, masks
 * secrets inside strings, serialises errors with type, message, stack and cause chain, and is safe
 * with circular structures, BigInt, Map, Set, Buffers and throwing getters.
 */
export class Serializer {
  readonly #redactor: Redactor;
  readonly #stack: object[] = [];

  constructor(redactor: Redactor) {
    this.#redactor = redactor;
  }

  get redactor(): Redactor {
    return this.#redactor;
  }

  /** A JSON string literal for a string, with secrets masked. */
  string(value: string): string {
    return quote(this.#redactor.maskString(value));
  }

  /** `,"key":value` for every own enumerable member, skipping keys in `skip`. */
  members(fields: Readonly<Record<string, unknown>>, skip?: ReadonlySet<string>): string {
    let out = '';
    for (const key in fields) {
      if (skip?.has(key) === true || !Object.hasOwn(fields, key)) continue;
      const quoted = this.#redactor.quotedKey(key);
      if (quoted === null) {
        out += ',' + JSON.stringify(key) + ':"' + REDACTED + '"';
        continue;
      }
      const json = this.safeValue(fields[key]);
      if (json !== undefined) out += ',' + quoted + ':' + json;
    }
    return out;
  }

  /**
   * Like `members`, with keys renamed by `rename` (core keys become `fields.<name>`), skipping
   * renamed keys in `skip` and adding every written key to `seen` when given.
   */
  membersRenamed(
    fields: Readonly<Record<string, unknown>>,
    rename: (key: string) => string,
    skip: ReadonlySet<string>,
    seen?: Set<string>,
  ): string {
    let out = '';
    for (const key in fields) {
      if (!Object.hasOwn(fields, key)) continue;
      const name = rename(key);
      if (skip.has(name)) continue;
      const value = fields[key];
      const quoted = this.#redactor.quotedKey(name);
      const json = quoted === null ? '"' + REDACTED + '"' : this.safeValue(value);
      if (json === undefined) continue;
      out += ',' + (quoted ?? JSON.stringify(name)) + ':' + json;
      seen?.add(name);
    }
    return out;
  }

  /** One value as JSON; undefined when the value is not representable (undefined, function, symbol). */
  safeValue(value: unknown): string | undefined {
    try {
      return this.value(value, 0);
    } catch (error) {
      this.#stack.length = 0;
      const reason = error instanceof Error ? error.message : String(error);
      return this.string(`[Unserializable: ${reason}]`);
    }
  }

  value(value: unknown, depth: number): string | undefined {
    switch (typeof value) {
      case 'string':
        return this.string(value);
      case 'number':
        return Number.isFinite(value) ? String(value) : JSON.stringify(String(value));
      case 'boolean':
        return value ? 'true' : 'false';
      case 'bigint':
        return '"' + value.toString() + '"';
      case 'object':
        return value === null ? 'null' : this.#object(value, depth);
      default:
        return undefined;
    }
  }

  #object(value: object, depth: number): string {
    if (this.#stack.includes(value)) return '"[Circular]"';
    if (depth >= MAX_DEPTH) return '"[Truncated]"';
    if (value instanceof Date) {
      return Number.isNaN(value.getTime()) ? 'null' : '"' + value.toISOString() + '"';
    }
    this.#stack.push(value);
    try {
      if (value instanceof Error) return this.#error(value, depth);
      if (Array.isArray(value)) return this.#array(value, depth);
      if (ArrayBuffer.isView(value)) {
        return (
          '{"type":"' + value.constructor.name + '","length":' + String(value.byteLength) + '}'
        );
      }
      if (value instanceof Map) return this.#map(value, depth);
      if (value instanceof Set) return this.#array([...value], depth);
      const toJSON = (value as { toJSON?: unknown }).toJSON;
      if (typeof toJSON === 'function') {
        return this.value(toJSON.call(value), depth + 1) ?? 'null';
      }
      return this.#record(value as Record<string, unknown>, depth);
    } finally {
      this.#stack.pop();
    }
  }

  #record(value: Record<string, unknown>, depth: number): string {
    let out = '';
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      const quoted = this.#redactor.quotedKey(key);
      const json = quoted === null ? '"' + REDACTED + '"' : this.value(value[key], depth + 1);
      if (json === undefined) continue;
      out += (out === '' ? '' : ',') + (quoted ?? JSON.stringify(key)) + ':' + json;
    }
    return '{' + out + '}';
  }

  #array(value: readonly unknown[], depth: number): string {
    let out = '';
    for (let i = 0; i < value.length; i++) {
      out += (i === 0 ? '' : ',') + (this.value(value[i], depth + 1) ?? 'null');
    }
    return '[' + out + ']';
  }

  #map(value: Map<unknown, unknown>, depth: number): string {
    const record: Record<string, unknown> = {};
    for (const [key, item] of value) record[String(key)] = item;
    return this.#record(record, depth);
  }

  #error(error: Error, depth: number): string {
    const ctor = (error as { constructor?: { name?: unknown } }).constructor;
    const type = typeof ctor?.name === 'string' && ctor.name !== '' ? ctor.name : error.name;
    let out = '{"type":' + this.string(type) + ',"message":' + this.string(textOf(error.message));
    if (typeof error.stack === 'string') out += ',"stack":' + this.string(error.stack);
    for (const key in error) {
      if (!Object.hasOwn(error, key) || key === 'stack' || key === 'message' || key === 'cause')
        continue;
      const quoted = this.#redactor.quotedKey(key);
      const json =
        quoted === null
          ? '"' + REDACTED + '"'
          : this.value((error as unknown as Record<string, unknown>)[key], depth + 1);
      if (json !== undefined) out += ',' + (quoted ?? JSON.stringify(key)) + ':' + json;
    }
    if (error instanceof AggregateError && Array.isArray(error.errors)) {
      out += ',"errors":' + this.#array(error.errors as unknown[], depth);
    }
    if (error.cause !== undefined) {
      out += ',"cause":' + (this.value(error.cause, depth + 1) ?? 'null');
    }
    return out + '}';
  }
}

function textOf(value: unknown): string {
  return typeof value === 'string' ? value : String(value);
}
