import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoDir } from './paths.js';

export type App = 'api' | 'worker';

export interface ConfigRow {
  env: string;
  default: string;
}

/**
 * The configuration table of an app's README (generated from its convict schema by the config
 * package's renderConfigTable, and pinned to the schema by the app's own tests): one row per setting
 * with its environment variable and default.
 */
export function appConfigRows(app: App): ConfigRow[] {
  const readme = join(repoDir, 'apps', app, 'README.md');
  if (!existsSync(readme))
    throw new Error(
      `apps/${app}/README.md does not exist: the app's configuration table is the source of its env names`,
    );
  const lines = readFileSync(readme, 'utf8').split('\n');
  // Cells split on | but not on an escaped \| (the format column says "json \| pretty").
  const cells = (line: string) =>
    line
      .trim()
      .replace(/^\||\|$/g, '')
      .split(/(?<!\\)\|/)
      .map((c) => c.trim().replace(/^`|`$/g, ''));
  for (let i = 0; i < lines.length - 1; i += 1) {
    const header = cells(lines[i] ?? '').map((c) => c.toLowerCase());
    const envColumn = header.findIndex(
      (c) => c === 'env' || c === 'environment variable' || c === 'variable',
    );
    const defaultColumn = header.indexOf('default');
    if (!lines[i]?.trim().startsWith('|') || envColumn < 0 || defaultColumn < 0) continue;
    const rows: ConfigRow[] = [];
    for (const line of lines.slice(i + 2)) {
      if (!line.trim().startsWith('|')) break;
      const row = cells(line);
      const env = row[envColumn] ?? '';
      if (/^[A-Z][A-Z0-9_]*$/.test(env))
        rows.push({ env, default: unquote(row[defaultColumn] ?? '') });
    }
    if (rows.length > 0) return rows;
  }
  throw new Error(
    `apps/${app}/README.md has no configuration table with "env" and "default" columns`,
  );
}

function unquote(value: string): string {
  const trimmed = value.replace(/^`|`$/g, '').trim();
  return /^(["']).*\1$/.test(trimmed) ? trimmed.slice(1, -1) : trimmed;
}

const defaultsCache = new Map<App, Map<string, string>>();

/** Environment variable → default value, as the app's configuration table states it. */
export function appDefaults(app: App): Map<string, string> {
  let defaults = defaultsCache.get(app);
  if (!defaults) {
    defaults = new Map(appConfigRows(app).map((r) => [r.env, r.default]));
    defaultsCache.set(app, defaults);
  }
  return defaults;
}
