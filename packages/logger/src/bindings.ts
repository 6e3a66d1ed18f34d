import type { Serializer } from './serialize.js';

/** Keys every line owns; a field with one of these names is written as `fields.<name>`. */
export const CORE_KEYS: ReadonlySet<string> = new Set(['timestamp', 'level', 'message']);

/** Fields of the head: who wrote the line. Set by options, overridable by a child. */
export const HEAD_KEYS: ReadonlySet<string> = new Set(['service', 'version', 'commit']);

/** The fixed fields of one logger (root or child), pre-serialised once at creation. */
export interface Bindings {
  /** service, version and commit. */
  readonly head: Readonly<Record<string, unknown>>;
  /** options.fields and every child's fields, parent first, child values winning. */
  readonly rest: Readonly<Record<string, unknown>>;
  readonly headJson: string;
  readonly restJson: string;
  /** Keys a context or call field must not repeat (else the layered path runs). */
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
  keys: Set<string>,
  restJson: string,
  headJson: string = serializer.members(head),
): Bindings {
  const module = rest.module;
  return {
    head,
    rest,
    headJson,
    restJson,
    keys,
    module: typeof module === 'string' && module !== '' ? module : undefined,
  };
}

export function rootBindings(
  serializer: Serializer,
  head: Readonly<Record<string, unknown>>,
  fields: Readonly<Record<string, unknown>>,
): Bindings {
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (!HEAD_KEYS.has(key)) rest[safeKey(key)] = value;
  }
  const keys = new Set<string>([...CORE_KEYS, ...Object.keys(head), ...Object.keys(rest)]);
  return build(serializer, { ...head }, rest, keys, serializer.members(rest));
}

/**
 * A child's bindings. When the child only adds new keys (the usual `child({ module })` or
 * `child({ request_id })`), the parent's JSON is extended rather than rebuilt.
 */
export function childBindings(
  serializer: Serializer,
  parent: Bindings,
  fields: Readonly<Record<string, unknown>>,
): Bindings {
  let head = parent.head as Record<string, unknown>;
  const rest: Record<string, unknown> = { ...parent.rest };
  const added: Record<string, unknown> = {};
  let appendOnly = true;
  const keys = new Set(parent.keys);
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    if (HEAD_KEYS.has(key)) {
      if (head === parent.head) head = { ...parent.head };
      head[key] = value;
      continue;
    }
    const safe = safeKey(key);
    if (Object.hasOwn(rest, safe)) appendOnly = false;
    rest[safe] = value;
    added[safe] = value;
    keys.add(safe);
  }
  const restJson = appendOnly
    ? parent.restJson + serializer.members(added)
    : serializer.members(rest);
  const headJson = head === parent.head ? parent.headJson : undefined;
  return build(serializer, head, rest, keys, restJson, headJson);
}

/**
 * All fields of one line as one object, in output order, later sources winning:
 * head, context, trace ids, logger bindings, call fields. (The pretty format's view of a line.)
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
