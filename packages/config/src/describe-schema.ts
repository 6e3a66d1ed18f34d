import { resolveLeaves, type ResolvedLeaf } from './leaves.js';
import { maskUrlCredentials } from './redact.js';
import type { SchemaSection } from './schema.js';

/** One schema key, described for documentation. */
export interface ConfigRow {
  readonly key: string;
  readonly env: string;
  /** The default as text: `3000`, `30s`, `""` (empty), `(required)` for a `null` default that is not nullable. */
  readonly default: string;
  readonly format: string;
  readonly sensitive: boolean;
  readonly doc: string;
}

function describeDefault(leaf: ResolvedLeaf): string {
  const value = leaf.spec.default;
  if (value === null && leaf.spec.nullable !== true) return '(required)';
  if (value === '') return '""';
  if (typeof value === 'string') return maskUrlCredentials(value);
  if (value === undefined) return '(none)';
  return maskUrlCredentials(JSON.stringify(value));
}

/** Describes every key of `schema` as a row, in declaration order. */
export function describeSchema(schema: SchemaSection): ConfigRow[] {
  return resolveLeaves(schema).map((leaf) => ({
    key: leaf.key,
    env: leaf.env,
    default: describeDefault(leaf),
    format: leaf.rule.label,
    sensitive: leaf.sensitive,
    doc: leaf.spec.doc ?? '',
  }));
}

/** The column titles of `renderConfigTable`. */
export const CONFIG_TABLE_HEADER = [
  'Key',
  'Environment variable',
  'Default',
  'Format',
  'Sensitive',
  'Description',
] as const;

function cell(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/\s*\n\s*/g, ' ');
}

const code = (text: string): string => `\`${text}\``;

/** The cells of one row as `renderConfigTable` prints them. */
export function configRowCells(row: ConfigRow): string[] {
  return [
    code(row.key),
    code(row.env),
    code(row.default),
    row.format,
    row.sensitive ? 'yes' : '',
    row.doc,
  ].map(cell);
}

/** A markdown table of `schema` (one row per key) for a README. */
export function renderConfigTable(schema: SchemaSection): string {
  const lines = [
    `| ${CONFIG_TABLE_HEADER.join(' | ')} |`,
    `| ${CONFIG_TABLE_HEADER.map(() => '---').join(' | ')} |`,
    ...describeSchema(schema).map((row) => `| ${configRowCells(row).join(' | ')} |`),
  ];
  return `${lines.join('\n')}\n`;
}
