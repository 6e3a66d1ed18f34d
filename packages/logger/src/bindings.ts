import type { Serializer } from './serialize.js';

/** Keys every line owns; a field with one of these names is written as `fields.<name>`. */
export const CORE_KEYS: ReadonlySet<string> = new Set(['timestamp', 'level', 'message']);

/** The fixed fields of one logger (root or child), pre-serialised once at creation. */
export interface Bindings {
  /** service and version. */
  readonly head: Readonly<Record<string, unknown>>;
  /** options.fields and every child's fields, parent first, child values winning. */
  readonly rest: Readonly<Record<string, unknown>>;
  readonly headJson: string;
  readonly restJson: string;
  /** Keys a context or call field must not repeat (else the slow, merging path runs). */
  readonly keys: ReadonlySet<string>;
  /** The `module` field, which names the logger for per-module levels. */
  readonly module: string | undefined;
}

export function safeKey(key: string): string {
  return CORE_KEYS.has(key) ? `fields.${key}` : key;
}

function build(
  serializer: Serializer,
  head: Record<string, unknown>,
  rest: Record<string, unknown>,
): Bindings {
  const keys = new Set<string>([
    ...CORE_KEYS,
    'trace_id',
    'span_id',
    ...Object.keys(head),
    ...Object.keys(rest),
  ]);
  const module = rest.module;
  return {
    head,
    rest,
    headJson: serializer.members(head),
    restJson: serializer.members(rest),
    keys,
    module: typeof module === 'string' && module !== '' ? module : undefined,
  };
}

export function rootBindings(
  serializer: Serializer,
  service: string,
  version: string,
  fields: Readonly<Record<string, unknown>>,
): Bindings {
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (key !== 'service' && key !== 'version') rest[safeKey(key)] = value;
  }
  return build(serializer, { service, version }, rest);
}

export function childBindings(
  serializer: Serializer,
  parent: Bindings,
  fields: Readonly<Record<string, unknown>>,
): Bindings {
  const head: Record<string, unknown> = { ...parent.head };
  const rest: Record<string, unknown> = { ...parent.rest };
  for (const [key, value] of Object.entries(fields)) {
    if (key === 'service' || key === 'version') head[key] = value;
    else rest[safeKey(key)] = value;
  }
  return build(serializer, head, rest);
}

/**
 * All fields of one line as one object, in output order, later sources winning:
 * service/version, context, trace ids, logger bindings, call fields.
 */
export function mergeFields(
  bindings: Bindings,
  context: Readonly<Record<string, unknown>> | undefined,
  traceIds: Readonly<Record<string, unknown>> | undefined,
  fields: Readonly<Record<string, unknown>> | undefined,
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...bindings.head };
  if (context !== undefined) for (const key in context) merged[safeKey(key)] = context[key];
  if (traceIds !== undefined) Object.assign(merged, traceIds);
  Object.assign(merged, bindings.rest);
  if (fields !== undefined) {
    for (const key in fields) if (Object.hasOwn(fields, key)) merged[safeKey(key)] = fields[key];
  }
  return merged;
}
