import { isIP } from 'node:net';
import { parseBytes } from './bytes.js';
import { parseDuration } from './duration.js';
import {
  fail,
  fromNumber,
  isInteger,
  ok,
  parseInteger,
  parseJson,
  parseNumber,
  type FormatRule,
} from './format-rule.js';
import type { SchemaLeaf } from './schema.js';

const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
const HOST_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/i;

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

/** The rule for a format name, or `undefined` when the name is unknown. */
export function namedRule(name: string, leaf: SchemaLeaf): FormatRule | undefined {
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
