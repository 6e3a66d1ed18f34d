import { inspect } from 'node:util';
import { looksSecret, maskUrlCredentials, REDACTED } from './redact.js';

/** Carried (non-enumerable) by every section of a loaded config: which relative keys are what. */
const LAYOUT = Symbol.for('@shipshape/config.layout');

interface Layout {
  /** Relative dotted paths of sensitive leaves. */
  readonly sensitive: ReadonlySet<string>;
  /** Relative dotted paths of nested sections. */
  readonly sections: ReadonlySet<string>;
}

function layoutOf(value: object): Layout | undefined {
  return (value as { [LAYOUT]?: Layout })[LAYOUT];
}

function redactWithLayout(
  node: Record<string, unknown>,
  layout: Layout,
  prefix: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (layout.sensitive.has(path)) out[key] = REDACTED;
    else if (layout.sections.has(path) && typeof value === 'object' && value !== null) {
      out[key] = redactWithLayout(value as Record<string, unknown>, layout, path);
    } else out[key] = looksSecret(key) ? REDACTED : redactByName(value);
  }
  return out;
}

function redactByName(value: unknown): unknown {
  if (typeof value === 'string') return maskUrlCredentials(value);
  if (Array.isArray(value)) return value.map(redactByName);
  if (typeof value === 'object' && value !== null) {
    const layout = layoutOf(value);
    if (layout !== undefined) return redactWithLayout(value as Record<string, unknown>, layout, '');
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      out[key] = looksSecret(key) ? REDACTED : redactByName(inner);
    }
    return out;
  }
  return value;
}

/**
 * A plain copy of `config` that is safe to log, by the policy logs follow too: keys the schema marks
 * sensitive and keys whose names are secret (password, token, secret, api key, authorization,
 * cookie…, at any depth) become `[REDACTED]`, whatever their value; URL credentials and secret query
 * parameters inside strings are masked. Works on a loaded config, any section of it, or any object.
 */
export function redactConfig(config: object): Record<string, unknown> {
  return redactByName(config) as Record<string, unknown>;
}

function relative(paths: Iterable<string>, prefix: string): Set<string> {
  const out = new Set<string>();
  for (const path of paths)
    if (path.startsWith(`${prefix}.`)) out.add(path.slice(prefix.length + 1));
  return out;
}

function hide(target: object, key: PropertyKey, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: false,
    writable: false,
    configurable: false,
  });
}

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  for (const inner of Object.values(value)) deepFreeze(inner);
  Object.freeze(value);
}

/**
 * Deep-freezes a loaded config and gives every section redacting `toJSON`, `toString` and
 * `util.inspect` forms, so `JSON.stringify(config)`, `String(config)` and `console.log(config)` never
 * print a secret. The properties are non-enumerable: spreading and `Object.keys` see only the values.
 */
export function sealConfig<T extends object>(
  config: T,
  sensitive: ReadonlySet<string>,
  sections: ReadonlySet<string>,
): T {
  const decorate = (node: object, prefix: string): void => {
    const layout: Layout =
      prefix === ''
        ? { sensitive, sections }
        : { sensitive: relative(sensitive, prefix), sections: relative(sections, prefix) };
    hide(node, LAYOUT, layout);
    hide(node, 'toJSON', () => redactConfig(node));
    hide(node, 'toString', () => JSON.stringify(redactConfig(node), null, 2));
    hide(node, inspect.custom, (_depth: number, options: object) =>
      inspect(redactConfig(node), options),
    );
    for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
      const path = prefix === '' ? key : `${prefix}.${key}`;
      if (sections.has(path) && typeof value === 'object' && value !== null) decorate(value, path);
    }
  };
  decorate(config, '');
  deepFreeze(config);
  return config;
}
