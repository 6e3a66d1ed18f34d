import type { FormatRule } from './format-rule.js';
import type { SchemaLeaf } from './schema.js';
import { ConfigSchemaError } from './schema-error.js';

/** The longest delay a Node.js timer holds (2^31 - 1 ms, about 24.8 days); longer ones fire at once. */
export const TIMER_MAX_MS = 2_147_483_647;

const NUMBER_FORMATS = new Set([
  'port',
  'duration',
  'bytes',
  'ratio',
  'int',
  'integer',
  'nat',
  'number',
]);

const UNIT: Readonly<Record<string, string>> = { duration: 'ms', bytes: 'b' };

interface Bound {
  readonly value: number;
  readonly text: string;
}

function readBound(
  key: string,
  name: 'min' | 'max',
  spec: number | string,
  rule: FormatRule,
): Bound {
  const parsed = typeof spec === 'number' ? { ok: true, value: spec } : rule.parse(spec);
  if (!parsed.ok || typeof parsed.value !== 'number' || Number.isNaN(parsed.value)) {
    throw new ConfigSchemaError(
      `'${key}': ${name} ${JSON.stringify(spec)} is not a ${rule.label}.`,
    );
  }
  const text = typeof spec === 'string' ? spec : `${spec}${UNIT[rule.label] ?? ''}`;
  return { value: parsed.value, text };
}

const TIMER_MAX: Bound = {
  value: TIMER_MAX_MS,
  text: `${TIMER_MAX_MS}ms (the longest Node.js timer, about 24.8 days)`,
};

function range(min: Bound | undefined, max: Bound | undefined): string {
  if (min !== undefined && max !== undefined) return `from ${min.text} to ${max.text}`;
  if (min !== undefined) return `at least ${min.text}`;
  return `at most ${max?.text ?? ''}`;
}

function label(min: Bound | undefined, max: Bound | undefined): string {
  if (min !== undefined && max !== undefined) return `${min.text}–${max.text}`;
  if (min !== undefined) return `≥ ${min.text}`;
  return `≤ ${max?.text ?? ''}`;
}

/**
 * Narrows a number format to the leaf's `min`/`max` (a `duration` to the timer range unless it sets
 * `max`). The label shows only bounds the leaf declares; the expected text shows every bound.
 */
export function applyBounds(key: string, leaf: SchemaLeaf, rule: FormatRule): FormatRule {
  const named = typeof leaf.format === 'string' ? leaf.format : undefined;
  const declared = leaf.min !== undefined || leaf.max !== undefined;
  if (named === undefined || !NUMBER_FORMATS.has(named)) {
    if (declared)
      throw new ConfigSchemaError(`'${key}': min and max apply to number formats only.`);
    return rule;
  }
  const min = leaf.min === undefined ? undefined : readBound(key, 'min', leaf.min, rule);
  const max = leaf.max === undefined ? undefined : readBound(key, 'max', leaf.max, rule);
  if (min !== undefined && max !== undefined && min.value > max.value) {
    throw new ConfigSchemaError(`'${key}': min ${min.text} is larger than max ${max.text}.`);
  }
  const effectiveMax = max ?? (named === 'duration' ? TIMER_MAX : undefined);
  if (min === undefined && effectiveMax === undefined) return rule;
  return {
    label: declared ? `${rule.label} (${label(min, max)})` : rule.label,
    expected: `${rule.expected}, ${range(min, effectiveMax)}`,
    parse: (text) => rule.parse(text),
    accepts: (value) =>
      rule.accepts(value) &&
      typeof value === 'number' &&
      (min === undefined || value >= min.value) &&
      (effectiveMax === undefined || value <= effectiveMax.value),
  };
}
