import { cp, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
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

const NOT_COPIED = new Set(['dist', 'node_modules', '.turbo', 'test-results.json']);

/**
 * Runs `task` in a copy of a package's sources without `dist/`, inside a scratch workspace that
 * borrows the repository's installed dependencies (and its scripts/ folder), the way a fresh clone
 * looks before a build. The working tree is never written to; the copy is removed afterwards.
 */
export async function inCleanCopy<T>(
  pkg: WorkspacePackage,
  task: (copy: string) => Promise<T>,
): Promise<T> {
  const scratch = await mkdtemp(join(tmpdir(), `clean-${pkg.dir}-`));
  try {
    const copy = join(scratch, 'packages', pkg.dir);
    await mkdir(copy, { recursive: true });
    for (const entry of await readdir(pkg.root)) {
      if (NOT_COPIED.has(entry)) continue;
      await cp(join(pkg.root, entry), join(copy, entry), { recursive: true });
    }
    if (existsSync(join(pkg.root, 'node_modules'))) {
      await symlink(join(pkg.root, 'node_modules'), join(copy, 'node_modules'));
    }
    await symlink(join(repoRoot, 'node_modules'), join(scratch, 'node_modules'));
    await symlink(join(repoRoot, 'scripts'), join(scratch, 'scripts'));
    await cp(join(repoRoot, 'tsconfig.base.json'), join(scratch, 'tsconfig.base.json'));
    // `workspace:` ranges resolve against the other workspaces' manifests.
    for (const group of ['packages', 'tooling']) {
      for (const other of readdirSync(join(repoRoot, group))) {
        const manifest = join(repoRoot, group, other, 'package.json');
        if ((group === 'packages' && other === pkg.dir) || !existsSync(manifest)) continue;
        await mkdir(join(scratch, group, other), { recursive: true });
        await cp(manifest, join(scratch, group, other, 'package.json'));
      }
    }
    await writeFile(join(scratch, 'package.json'), '{ "name": "scratch", "private": true }\n');
    // The repository's catalog, so `catalog:` ranges are written into packed manifests as usual.
    const workspace = parse(readRepoFile('pnpm-workspace.yaml')) as Record<string, unknown>;
    await writeFile(
      join(scratch, 'pnpm-workspace.yaml'),
      stringify({ ...workspace, packages: ['packages/*', 'tooling/*'] }),
    );
    if (existsSync(join(copy, 'dist'))) throw new Error(`${copy} has a dist/ already`);
    return await task(copy);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * Packs a package the way a fresh clone would: `pnpm pack` in a clean copy (see inCleanCopy), so
 * only its `prepack` script can put `dist/` into the tarball. Resolves to the tarball's path in
 * `destination`.
 */
export async function packFromCleanCopy(
  pkg: WorkspacePackage,
  destination: string,
  options: { readonly withoutPrepack?: boolean } = {},
): Promise<string> {
  return inCleanCopy(pkg, async (copy) => {
    if (options.withoutPrepack === true) {
      const manifest = JSON.parse(readFileSync(join(copy, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>;
      };
      delete manifest.scripts['prepack'];
      await writeFile(join(copy, 'package.json'), JSON.stringify(manifest, null, 2));
    }
    await mkdir(destination, { recursive: true });
    const { stdout } = await execFileAsync('pnpm', ['pack', '--pack-destination', destination], {
      cwd: copy,
      timeout: 180_000,
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
