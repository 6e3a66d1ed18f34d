import { execFile } from 'node:child_process';
import { accessSync, constants, readdirSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { TestkitError } from './testkit-error.js';

const run = promisify(execFile);

/** The two server programs a private cluster needs; a folder counts only when it holds both. */
const SERVER_PROGRAMS = ['initdb', 'pg_ctl'] as const;

/** Where to look; every field is optional. Tests point them at fake folders. */
export interface PostgresLookupOptions {
  /** The search path for `pg_config`, `initdb` and `pg_ctl`. Default: `process.env.PATH`. */
  readonly path?: string;
  /** The Debian/Ubuntu folder with one `<major>/bin` per installed server. */
  readonly versionsDir?: string;
}

export const POSTGRES_LOOKUP_DEFAULTS = {
  versionsDir: '/usr/lib/postgresql',
} as const;

/** Which rule found the server programs: pg_config, the search path, or the versions folder. */
export type PostgresBinDirSource = 'pg_config' | 'PATH' | 'versionsDir';

export interface PostgresBinDir {
  readonly binDir: string;
  readonly foundBy: PostgresBinDirSource;
}

function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

const holdsServer = (dir: string): boolean =>
  SERVER_PROGRAMS.every((program) => isExecutableFile(join(dir, program)));

/** `9.6` < `15` < `16.2`: numeric, part by part. */
function compareVersions(a: string, b: string): number {
  const left = a.split('.').map(Number);
  const right = b.split('.').map(Number);
  for (let i = 0; i < Math.max(left.length, right.length); i += 1) {
    const difference = (left[i] ?? 0) - (right[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

async function pgConfigBinDir(searchPath: string[]): Promise<string | undefined> {
  const pgConfig = searchPath.map((dir) => join(dir, 'pg_config')).find(isExecutableFile);
  if (pgConfig === undefined) return undefined;
  try {
    const { stdout } = await run(pgConfig, ['--bindir'], { timeout: 10_000 });
    return stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Finds the folder holding PostgreSQL's server programs (`initdb` and `pg_ctl`), in this order:
 * 1. `pg_config --bindir` (the first `pg_config` on the search path) — skipped when that folder
 *    lacks the server programs, as with a client-only install (`libpq-dev`, `postgresql-client`);
 * 2. the first search-path folder that holds both programs;
 * 3. the newest `<versionsDir>/<major>/bin` that holds both (Debian and Ubuntu install each major there).
 * Throws `TESTKIT_POSTGRES_NOT_FOUND`, saying what to install, when none does.
 */
export async function findPostgresBinDir(
  options: PostgresLookupOptions = {},
): Promise<PostgresBinDir> {
  const path = options.path ?? process.env['PATH'] ?? '';
  const versionsDir = options.versionsDir ?? POSTGRES_LOOKUP_DEFAULTS.versionsDir;
  const searchPath = path.split(delimiter).filter((dir) => dir !== '');

  const fromPgConfig = await pgConfigBinDir(searchPath);
  if (fromPgConfig !== undefined && holdsServer(fromPgConfig)) {
    return { binDir: fromPgConfig, foundBy: 'pg_config' };
  }

  const onPath = searchPath.find(holdsServer);
  if (onPath !== undefined) return { binDir: onPath, foundBy: 'PATH' };

  let majors: string[] = [];
  try {
    majors = readdirSync(versionsDir).filter((name) => /^\d+(\.\d+)*$/.test(name));
  } catch {
    // No versions folder: not a Debian-style install.
  }
  const newest = majors
    .sort(compareVersions)
    .reverse()
    .map((major) => join(versionsDir, major, 'bin'))
    .find(holdsServer);
  if (newest !== undefined) return { binDir: newest, foundBy: 'versionsDir' };

  const pgConfigNote =
    fromPgConfig === undefined
      ? 'no pg_config on PATH'
      : `pg_config --bindir says ${fromPgConfig}, which has no ${SERVER_PROGRAMS.join('/')} (a client-only install)`;
  throw new TestkitError(
    'TESTKIT_POSTGRES_NOT_FOUND',
    `PostgreSQL server programs (${SERVER_PROGRAMS.join(', ')}) not found: ${pgConfigNote}; ` +
      `none on PATH; none in ${versionsDir}/*/bin. Install the PostgreSQL server, not only the client: ` +
      `'apt-get install postgresql' on Debian/Ubuntu (the list in scripts/system-packages.txt; ` +
      `'bash scripts/setup.sh' installs it), 'brew install postgresql' on macOS, ` +
      `or pass binDir to startPostgresCluster.`,
  );
}
