import { ok, type FormatRule } from './format-rule.js';
import { namedRule } from './named-formats.js';
import type { FormatSpec, SchemaLeaf } from './schema.js';

export type { FormatRule } from './format-rule.js';
export { isHost } from './named-formats.js';

function enumRule(options: readonly (string | number | boolean)[]): FormatRule {
  return {
    label: options.map(String).join(' | '),
    expected: `one of ${options.map((o) => JSON.stringify(o)).join(', ')}`,
    parse(text) {
      const match = options.find((o) => String(o) === text.trim());
      return match === undefined ? ok(text) : ok(match);
    },
    accepts: (value) => options.includes(value as string | number | boolean),
  };
}

function functionRule(validate: (value: unknown) => void, fallback: FormatRule): FormatRule {
  return {
    label: 'custom',
    expected: 'a value the custom format accepts',
    parse: (text) => fallback.parse(text),
    accepts(value) {
      try {
        validate(value);
        return true;
      } catch {
        return false;
      }
    },
  };
}

function formatFromDefault(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null || value === undefined) return '*';
  const type = typeof value;
  return type === 'number' || type === 'string' || type === 'boolean' || type === 'object'
    ? type
    : '*';
}

/**
 * Resolves a leaf's `format` (a name, a list of allowed values, a validator function, or nothing —
 * then the type of its default) into a rule. Returns `undefined` for an unknown format name.
 */
export function resolveFormat(leaf: SchemaLeaf): FormatRule | undefined {
  const format: FormatSpec | undefined = leaf.format;
  if (Array.isArray(format)) return enumRule(format as readonly (string | number | boolean)[]);
  if (typeof format === 'function') {
    const fallback = namedRule(formatFromDefault(leaf.default), leaf) ?? namedRule('*', leaf);
    return fallback === undefined ? undefined : functionRule(format, fallback);
  }
  return namedRule(typeof format === 'string' ? format : formatFromDefault(leaf.default), leaf);
}
