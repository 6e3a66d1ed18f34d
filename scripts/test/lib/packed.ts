import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { execFileAsync, readRepoFile, repoRoot } from '../repo.js';

/** A Node.js build in the cache of scripts/node-env.sh. */
export interface NodeBuild {
  readonly version: string;
  /** Its folder: `bin/node`, `include/node`. */
  readonly dir: string;
  readonly bin: string;
}

/**
 * The Node versions a package must work on: the pinned one (.node-version) and the oldest one
 * `engines` allows (">=22.12" → 22.12.0).
 */
export function supportedNodeVersions(): [pinned: string, oldest: string] {
  const pinned = readRepoFile('.node-version').trim().replace(/^v/, '');
  const { engines } = JSON.parse(readRepoFile('package.json')) as { engines: { node: string } };
  const floor = /^>=\s*(\d+)\.(\d+)(?:\.(\d+))?$/.exec(engines.node);
  if (floor === null) throw new Error(`engines.node "${engines.node}" is not of the form >=X.Y`);
  return [pinned, `${floor[1]!}.${floor[2]!}.${floor[3] ?? 0}`];
}

/** A Node.js build of that exact version, from the cache or the npm registry (scripts/node-env.sh). */
export async function fetchNode(version: string): Promise<NodeBuild> {
  const { stdout } = await execFileAsync('bash', ['scripts/node-env.sh', 'fetch', version], {
    cwd: repoRoot,
    timeout: 240_000,
  });
  const dir = stdout.trim().split('\n').pop()!;
  return { version, dir, bin: join(dir, 'bin', 'node') };
}

export interface WorkspacePackage {
  /** Folder name under packages/. */
  readonly dir: string;
  readonly name: string;
  readonly root: string;
  readonly manifest: {
    readonly name: string;
    readonly version: string;
    readonly exports: Record<string, unknown>;
    readonly main?: string;
    readonly types?: string;
    readonly dependencies?: Record<string, string>;
    readonly peerDependencies?: Record<string, string>;
    readonly devDependencies?: Record<string, string>;
    readonly scripts: Record<string, string>;
  };
}

export function workspacePackages(): WorkspacePackage[] {
  return readdirSync(join(repoRoot, 'packages'))
    .filter((dir) => existsSync(join(repoRoot, 'packages', dir, 'package.json')))
    .sort()
    .map((dir) => {
      const root = join(repoRoot, 'packages', dir);
      const manifest = JSON.parse(
        readFileSync(join(root, 'package.json'), 'utf8'),
      ) as WorkspacePackage['manifest'];
      return { dir, name: manifest.name, root, manifest };
    });
}

/** The pnpm catalog: the one version range of each shared dependency. */
export function catalog(): Record<string, string> {
  const workspace = parse(readRepoFile('pnpm-workspace.yaml')) as {
    catalog?: Record<string, string>;
  };
  return workspace.catalog ?? {};
}

/** The script that builds a package and the workspace packages it depends on, through turbo. */
export function buildWithDependencies(pkg: Pick<WorkspacePackage, 'name'>): string {
  return `TURBO_TELEMETRY_DISABLED=1 turbo run build --filter=${pkg.name}... --output-logs=errors-only`;
}

/**
 * The repository's files as a fresh clone of this working tree holds them: what git tracks, plus
 * untracked files it does not ignore, as they are on disk now (so uncommitted edits count), and
 * never an ignored one (`dist/`, `node_modules/`, `.turbo/`, test results).
 */
function cloneFiles(): string[] {
  const listed = execFileSync(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
    {
      cwd: repoRoot,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  return [...new Set(listed.split('\0').filter(Boolean))].filter((file) =>
    existsSync(join(repoRoot, file)),
  );
}

/**
 * Environment for commands run in a fresh-clone copy: none of the outer turbo task's variables
 * (`TURBO_HASH` tells a package's pretest it runs under turbo), none of pnpm's npm_* settings.
 */
export function cloneEnv(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_|^TURBO_|^VITEST|^NODE_OPTIONS$/i.test(key)) env[key] = value;
  }
  return { ...env, TURBO_TELEMETRY_DISABLED: '1', ...extra };
}

/**
 * Runs `task` in a fresh-clone-like copy of the repository (see cloneFiles), with its dependencies
 * installed there by `pnpm install --offline --frozen-lockfile` from the local store: no package in
 * it has a `dist/`, and every `workspace:` dependency links to the copy's own sources, never to the
 * working tree's build. `task` gets the copy of `pkg`'s folder. The working tree is never written
 * to; the copy is removed afterwards.
 */
export async function inCleanCopy<T>(
  pkg: WorkspacePackage,
  task: (copy: string) => Promise<T>,
): Promise<T> {
  const scratch = await mkdtemp(join(tmpdir(), `clean-${pkg.dir}-`));
  try {
    for (const file of cloneFiles()) {
      await mkdir(dirname(join(scratch, file)), { recursive: true });
      await cp(join(repoRoot, file), join(scratch, file), { verbatimSymlinks: true });
    }
    const copy = join(scratch, 'packages', pkg.dir);
    const built = readdirSync(join(scratch, 'packages')).filter((dir) =>
      existsSync(join(scratch, 'packages', dir, 'dist')),
    );
    if (built.length > 0) throw new Error(`${scratch} has a dist/ already in: ${built.join(', ')}`);
    try {
      await execFileAsync(
        'pnpm',
        ['install', '--offline', '--frozen-lockfile', '--config.optimistic-repeat-install=false'],
        { cwd: scratch, env: cloneEnv(), timeout: 240_000, maxBuffer: 16 * 1024 * 1024 },
      );
    } catch (error) {
      const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
      throw new Error(`pnpm install --offline failed in ${scratch}:\n${stdout}${stderr}`, {
        cause: error,
      });
    }
    return await task(copy);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * Packs a package the way a fresh clone would: `pnpm pack` in a clean copy (see inCleanCopy), so
 * only its `prepack` script can put `dist/` into the tarball, and only that script can build the
 * workspace packages it depends on (whose declarations its own build needs). Resolves to the tarball's path in
 * `destination`.
 */
export async function packFromCleanCopy(
  pkg: WorkspacePackage,
  destination: string,
  options: {
    /** Pack with this prepack script instead of the package's own; null: with none. */
    readonly prepack?: string | null;
  } = {},
): Promise<string> {
  return inCleanCopy(pkg, async (copy) => {
    if (options.prepack !== undefined) {
      const manifest = JSON.parse(readFileSync(join(copy, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>;
      };
      if (options.prepack === null) delete manifest.scripts['prepack'];
      else manifest.scripts['prepack'] = options.prepack;
      await writeFile(join(copy, 'package.json'), JSON.stringify(manifest, null, 2));
    }
    await mkdir(destination, { recursive: true });
    const { stdout } = await execFileAsync('pnpm', ['pack', '--pack-destination', destination], {
      cwd: copy,
      env: cloneEnv(),
      timeout: 240_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    const tarball = stdout
      .trim()
      .split('\n')
      .map((line) => line.trim())
      .find((line) => line.endsWith('.tgz'));
    if (tarball === undefined) throw new Error(`pnpm pack printed no tarball:\n${stdout}`);
    return tarball.startsWith('/') ? tarball : join(destination, tarball);
  });
}

/** The files of a tarball, without the leading `package/`. */
export async function tarballFiles(tarball: string): Promise<string[]> {
  const { stdout } = await execFileAsync('tar', ['-tzf', tarball]);
  return stdout
    .trim()
    .split('\n')
    .map((line) => line.replace(/^package\//, ''));
}

/** Files the manifest points at (`exports` targets, `main`, `types`) that the tarball lacks. */
export function missingExportTargets(
  manifest: WorkspacePackage['manifest'],
  files: readonly string[],
): string[] {
  const targets = new Set<string>();
  const visit = (value: unknown): void => {
    if (typeof value === 'string') targets.add(value.replace(/^\.\//, ''));
    else if (typeof value === 'object' && value !== null) Object.values(value).forEach(visit);
  };
  visit(manifest.exports);
  visit(manifest.main);
  visit(manifest.types);
  return [...targets].filter((target) => !files.includes(target)).sort();
}
