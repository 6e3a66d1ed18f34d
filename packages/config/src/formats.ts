import { isIP } from 'node:net';
import { parseBytes } from './bytes.js';
import { parseDuration } from './duration.js';
import type { FormatSpec, SchemaLeaf } from './schema.js';

export type Parsed = { readonly ok: true; readonly value: unknown } | { readonly ok: false };

/** How one leaf's values are read from text and checked. */
export interface FormatRule {
  /** Short name for tables and problems: `port`, `url (https:)`, `json | pretty`. */
  readonly label: string;
  /** What a valid value looks like, for error messages: `a TCP port (integer 0–65535)`. */
  readonly expected: string;
  /** Text (env, argv, `_FILE`, or a string in a file) → typed value. */
  parse(text: string): Parsed;
  /** `true` when `value` is acceptable. */
  accepts(value: unknown): boolean;
}

const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
const HOST_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/i;

const ok = (value: unknown): Parsed => ({ ok: true, value });
const fail: Parsed = { ok: false };
const fromNumber = (value: number | undefined): Parsed =>
  value === undefined || Number.isNaN(value) ? fail : ok(value);

function parseInteger(text: string): Parsed {
  return /^[+-]?\d+$/.test(text.trim()) ? ok(Number(text.trim())) : fail;
}

function parseNumber(text: string): Parsed {
  const trimmed = text.trim();
  return trimmed !== '' && Number.isFinite(Number(trimmed)) ? ok(Number(trimmed)) : fail;
}

function parseJson(text: string): Parsed {
  try {
    return ok(JSON.parse(text));
  } catch {
    return fail;
  }
}

const isInteger = (value: unknown): value is number => Number.isInteger(value);

export function isHost(value: unknown): boolean {
  if (typeof value !== 'string' || value === '') return false;
  if (isIP(value) !== 0) return true;
  if (value.length > 253) return false;
  return value.split('.').every((label) => HOST_LABEL.test(label));
}

function normaliseProtocol(protocol: string): string {
  const lower = protocol.toLowerCase();
  return lower.endsWith(':') ? lower : `${lower}:`;
}

function urlRule(leaf: SchemaLeaf): FormatRule {
  const protocols = (leaf.protocols ?? []).map(normaliseProtocol);
  const emptyAllowed = leaf.default === '';
  const scope = protocols.length > 0 ? ` with protocol ${protocols.join(' or ')}` : '';
  return {
    label: protocols.length > 0 ? `url (${protocols.join(', ')})` : 'url',
    expected: `an absolute URL${scope}${emptyAllowed ? ', or empty to leave it unset' : ''}`,
    parse: (text) => ok(text.trim()),
    accepts(value) {
      if (typeof value !== 'string') return false;
      if (value === '') return emptyAllowed;
      if (!URL.canParse(value)) return false;
      return protocols.length === 0 || protocols.includes(new URL(value).protocol);
    },
  };
}

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

function namedRule(name: string, leaf: SchemaLeaf): FormatRule | undefined {
  switch (name) {
    case 'port':
      return {
        label: 'port',
        expected: 'a TCP port (integer 0-65535)',
        parse: parseInteger,
        accepts: (v) => isInteger(v) && v >= 0 && v <= 65_535,
      };
    case 'duration':
      return {
        label: 'duration',
        expected: 'a duration such as "500ms", "30s", "2m" or a number of milliseconds',
        parse: (text) => fromNumber(parseDuration(text)),
        accepts: (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0,
      };
    case 'bytes':
      return {
        label: 'bytes',
        expected: 'a size such as "100kb", "1mb" or a number of bytes',
        parse: (text) => fromNumber(parseBytes(text)),
        accepts: (v) => isInteger(v) && v >= 0,
      };
    case 'log-level':
      return {
        label: 'log-level',
        expected: `one of ${LOG_LEVELS.join(', ')}`,
        parse: (text) => ok(text.trim().toLowerCase()),
        accepts: (v) => LOG_LEVELS.includes(v as (typeof LOG_LEVELS)[number]),
      };
    case 'url':
      return urlRule(leaf);
    case 'host':
      return {
        label: 'host',
        expected: 'a host name or IP address (for example 0.0.0.0, ::, localhost)',
        parse: (text) => ok(text.trim()),
        accepts: isHost,
      };
    case 'ratio':
      return {
        label: 'ratio',
        expected: 'a number from 0 to 1',
        parse: parseNumber,
        accepts: (v) => typeof v === 'number' && v >= 0 && v <= 1,
      };
    case 'int':
    case 'integer':
      return { label: name, expected: 'an integer', parse: parseInteger, accepts: isInteger };
    case 'nat':
      return {
        label: 'nat',
        expected: 'a non-negative integer',
        parse: parseInteger,
        accepts: (v) => isInteger(v) && v >= 0,
      };
    case 'number':
      return {
        label: 'number',
        expected: 'a number',
        parse: parseNumber,
        accepts: (v) => typeof v === 'number' && Number.isFinite(v),
      };
    case 'string':
      return {
        label: 'string',
        expected: 'a string',
        parse: ok,
        accepts: (v) => typeof v === 'string',
      };
    case 'boolean':
      return {
        label: 'boolean',
        expected: 'true or false',
        parse(text) {
          const lower = text.trim().toLowerCase();
          if (lower === 'true' || lower === '1') return ok(true);
          if (lower === 'false' || lower === '0') return ok(false);
          return fail;
        },
        accepts: (v) => typeof v === 'boolean',
      };
    case 'object':
      return {
        label: 'object',
        expected: 'a JSON object',
        parse: parseJson,
        accepts: (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
      };
    case 'array':
      return {
        label: 'array',
        expected: 'a JSON array or a comma-separated list',
        parse: (text) => (text.trim().startsWith('[') ? parseJson(text) : ok(text.split(','))),
        accepts: Array.isArray,
      };
    case '*':
      return { label: '*', expected: 'any value', parse: ok, accepts: () => true };
    default:
      return undefined;
  }
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
