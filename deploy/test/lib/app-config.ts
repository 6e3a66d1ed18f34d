import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoDir } from './paths.js';

export type App = 'api' | 'worker';

/** One setting as the config package's describeSchema reports it. */
export interface ConfigRow {
  key: string;
  env: string;
  default: string;
}

/** Where each app's built configuration schema lives, and the name it is exported under. */
const SCHEMA_MODULES: Record<App, { file: string; exportName: string }> = {
  api: { file: 'dist/config.js', exportName: 'schema' },
  worker: { file: 'dist/config.js', exportName: 'workerSchema' },
};

const rowsCache = new Map<App, ConfigRow[]>();

/**
 * The app's configuration schema, read from its built dist/ and described by the same
 * `describeSchema` of @shipshape/config that generates the app's README table: every setting with
 * its environment variable and default. The test task builds the apps first (turbo ^build).
 */
export async function appConfigRows(app: App): Promise<ConfigRow[]> {
  const cached = rowsCache.get(app);
  if (cached) return cached;
  const appDir = join(repoDir, 'apps', app);
  const { file, exportName } = SCHEMA_MODULES[app];
  const schemaPath = join(appDir, file);
  if (!existsSync(schemaPath)) {
    throw new Error(
      `apps/${app}/${file} is missing: build the app first (pnpm --filter @shipshape/example-${app} build)`,
    );
  }
  // @shipshape/config as the app itself resolves it (deploy does not depend on it directly).
  const configEntry = createRequire(join(appDir, 'package.json')).resolve('@shipshape/config/docs');
  const config = (await import(pathToFileURL(configEntry).href)) as {
    describeSchema(schema: unknown): { key: string; env: string; default: unknown }[];
  };
  const module = (await import(pathToFileURL(schemaPath).href)) as Record<string, unknown>;
  const schema = module[exportName];
  if (schema === undefined)
    throw new Error(`apps/${app}/${file} no longer exports "${exportName}"`);
  const rows = config
    .describeSchema(schema)
    .map((r) => ({ key: r.key, env: r.env, default: String(r.default) }));
  rowsCache.set(app, rows);
  return rows;
}

/** Environment variable → default value, as the app's schema states it. */
export async function appDefaults(app: App): Promise<Map<string, string>> {
  return new Map((await appConfigRows(app)).map((r) => [r.env, r.default]));
}
