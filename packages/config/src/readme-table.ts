import {
  CONFIG_TABLE_HEADER,
  configRowCells,
  describeSchema,
  renderConfigTable,
} from './describe-schema.js';
import type { SchemaSection } from './schema.js';

export const CONFIG_TABLE_START = '<!-- config-table:start -->';
export const CONFIG_TABLE_END = '<!-- config-table:end -->';

/** Index of `marker` standing on its own line, or -1 (a marker quoted inside prose does not count). */
function markerAt(readme: string, marker: string): number {
  let from = 0;
  for (;;) {
    const at = readme.indexOf(marker, from);
    if (at === -1) return -1;
    const lineStart = readme.lastIndexOf('\n', at - 1) + 1;
    const lineEnd = readme.indexOf('\n', at);
    const line = readme.slice(lineStart, lineEnd === -1 ? readme.length : lineEnd);
    if (line.trim() === marker) return at;
    from = at + marker.length;
  }
}

function splitRow(line: string): string[] {
  const inner = line.trim().replace(/^\|/, '').replace(/\|$/, '');
  const cells: string[] = [];
  let current = '';
  for (let i = 0; i < inner.length; i++) {
    const char = inner[i] ?? '';
    if (char === '\\' && i + 1 < inner.length) {
      current += `${char}${inner[i + 1] ?? ''}`;
      i++;
    } else if (char === '|') {
      cells.push(current.trim());
      current = '';
    } else current += char;
  }
  cells.push(current.trim());
  return cells;
}

const isHeader = (cells: readonly string[]): boolean =>
  cells.length === CONFIG_TABLE_HEADER.length &&
  cells.every((c, i) => c === CONFIG_TABLE_HEADER[i]);

/** The rows (cells, header and separator removed) of the README's config table, or `undefined`. */
function readTable(readme: string): string[][] | undefined {
  const start = markerAt(readme, CONFIG_TABLE_START);
  const end = markerAt(readme, CONFIG_TABLE_END);
  const region = start !== -1 && end > start ? readme.slice(start, end) : readme;
  const lines = region.split('\n');
  const headerAt = lines.findIndex(
    (line) => line.trim().startsWith('|') && isHeader(splitRow(line)),
  );
  if (headerAt === -1) return undefined;
  const rows: string[][] = [];
  for (const line of lines.slice(headerAt + 2)) {
    if (!line.trim().startsWith('|')) break;
    rows.push(splitRow(line));
  }
  return rows;
}

/**
 * Compares the configuration table in a README (between `<!-- config-table:start -->` and
 * `<!-- config-table:end -->` when present, else the first table with `renderConfigTable`'s header)
 * with `schema`. Returns one line per difference; an empty array means they agree.
 */
export function diffReadmeTable(readme: string, schema: SchemaSection): string[] {
  const table = readTable(readme);
  if (table === undefined) {
    return [
      `no configuration table with the header "| ${CONFIG_TABLE_HEADER.join(' | ')} |" was found`,
    ];
  }
  const documented = new Map(table.map((cells) => [cells[0] ?? '', cells]));
  const diffs: string[] = [];
  const expectedKeys = new Set<string>();
  for (const row of describeSchema(schema)) {
    const expected = configRowCells(row);
    const key = expected[0] ?? '';
    expectedKeys.add(key);
    const actual = documented.get(key);
    if (actual === undefined) {
      diffs.push(`${row.key}: missing from the README table`);
      continue;
    }
    CONFIG_TABLE_HEADER.forEach((title, i) => {
      if (i > 0 && (actual[i] ?? '') !== (expected[i] ?? '')) {
        diffs.push(
          `${row.key}: ${title} is "${actual[i] ?? ''}" in the README but "${expected[i] ?? ''}" in the schema`,
        );
      }
    });
  }
  for (const key of documented.keys()) {
    if (!expectedKeys.has(key))
      diffs.push(`${key}: documented in the README but not in the schema`);
  }
  return diffs;
}

/** Throws (code `CONFIG_README_MISMATCH`) listing every difference and the table to paste; for a unit test. */
export function assertReadmeTable(readme: string, schema: SchemaSection): void {
  const diffs = diffReadmeTable(readme, schema);
  if (diffs.length === 0) return;
  const error = new Error(
    `The README configuration table does not match the schema:\n${diffs.map((d) => `  - ${d}`).join('\n')}\n` +
      `Replace the table with:\n\n${renderConfigTable(schema)}`,
  );
  Object.assign(error, { code: 'CONFIG_README_MISMATCH', diffs });
  throw error;
}

/** Returns `readme` with the text between the config-table markers replaced by a fresh table. */
export function replaceReadmeTable(readme: string, schema: SchemaSection): string {
  const start = markerAt(readme, CONFIG_TABLE_START);
  const end = markerAt(readme, CONFIG_TABLE_END);
  if (start === -1 || end < start) {
    throw new Error(
      `README has no ${CONFIG_TABLE_START} … ${CONFIG_TABLE_END} markers to replace between.`,
    );
  }
  return `${readme.slice(0, start + CONFIG_TABLE_START.length)}\n\n${renderConfigTable(schema)}\n${readme.slice(end)}`;
}
