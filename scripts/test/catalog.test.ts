import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { execFileAsync, readRepoFile, repoRoot } from './repo.js';

// Where a workspace installs its own copy of a dependency. peerDependencies are left out on
// purpose: a peer range says which versions an adopter may bring, it installs nothing.
const SECTIONS = ['dependencies', 'devDependencies', 'optionalDependencies'] as const;
type Manifest = Partial<Record<(typeof SECTIONS)[number], Record<string, string>>>;

const workspaceFile = parse(readRepoFile('pnpm-workspace.yaml')) as {
  packages: string[];
  catalog?: Record<string, string>;
};
const catalog = workspaceFile.catalog ?? {};

/** The root manifest and every workspace's, by folder ('.' for the root). */
function readManifests(): Map<string, Manifest> {
  const manifests = new Map<string, Manifest>([['.', JSON.parse(readRepoFile('package.json'))]]);
  for (const pattern of workspaceFile.packages) {
    const dirs = pattern.endsWith('/*')
      ? readdirSync(join(repoRoot, pattern.slice(0, -2))).map((d) => `${pattern.slice(0, -2)}/${d}`)
      : [pattern];
    for (const dir of dirs) {
      if (existsSync(join(repoRoot, dir, 'package.json'))) {
        manifests.set(dir, JSON.parse(readRepoFile(join(dir, 'package.json'))) as Manifest);
      }
    }
  }
  return manifests;
}

/** What breaks the one-version rule: a catalogued dependency pinned by a workspace, a dependency
 * shared by workspaces but missing from the catalog, or a catalog entry nobody uses. */
function catalogViolations(
  manifests: ReadonlyMap<string, Manifest>,
  entries: Readonly<Record<string, string>>,
): string[] {
  const problems: string[] = [];
  const declaredBy = new Map<string, Set<string>>();
  for (const [dir, manifest] of manifests) {
    for (const section of SECTIONS) {
      for (const [name, spec] of Object.entries(manifest[section] ?? {})) {
        if (spec.startsWith('workspace:')) continue;
        declaredBy.set(name, (declaredBy.get(name) ?? new Set()).add(dir));
        if (name in entries && spec !== 'catalog:') {
          problems.push(`${dir}: ${section}.${name} pins "${spec}" instead of "catalog:"`);
        }
        if (spec === 'catalog:' && !(name in entries)) {
          problems.push(`${dir}: ${section}.${name} says "catalog:" but the catalog has no entry`);
        }
      }
    }
  }
  for (const [name, dirs] of declaredBy) {
    if (dirs.size > 1 && !(name in entries)) {
      problems.push(`${name} is declared by ${[...dirs].join(', ')} but is not in the catalog`);
    }
  }
  for (const name of Object.keys(entries)) {
    if (!declaredBy.has(name)) problems.push(`catalog entry ${name} is used by no workspace`);
  }
  return problems;
}

/** One installed version of a package, as `pnpm why -r --json` lists it, with what depends on it. */
interface Installed {
  name: string;
  version: string;
  dependents: { name: string; version: string; depField?: string }[];
}

// Second copies that cannot be avoided, by package: a copy is allowed only when everything that
// depends on it directly is named here. Keep this list short and say why each entry is here.
const ALLOWED_SECOND_COPIES: Readonly<Record<string, { dependents: RegExp; why: string }>> = {
  // @changesets/cli 2.x formats the changelogs it writes with the prettier 2 API
  // (@changesets/apply-release-plan, @changesets/write); the workspaces format with prettier 3.
  prettier: { dependents: /^@changesets\//, why: 'prettier 2 inside @changesets/cli' },
};

/** Catalogued dependencies installed at more than one version anywhere in the tree (any depth),
 * leaving out the allowed second copies. */
function versionSplits(
  installed: readonly Installed[],
  names: readonly string[],
  allowed: typeof ALLOWED_SECOND_COPIES = ALLOWED_SECOND_COPIES,
): Record<string, string[]> {
  const versions = new Map<string, Set<string>>();
  for (const { name, version, dependents } of installed) {
    if (!names.includes(name)) continue;
    const rule = allowed[name];
    if (rule !== undefined && dependents.every((d) => rule.dependents.test(d.name))) continue;
    versions.set(name, (versions.get(name) ?? new Set()).add(version));
  }
  return Object.fromEntries(
    [...versions].filter(([, set]) => set.size > 1).map(([name, set]) => [name, [...set].sort()]),
  );
}

/** Every installed version of each named package, at any depth: `pnpm why -r --json`. */
async function installedVersions(names: readonly string[]): Promise<Installed[]> {
  const { stdout } = await execFileAsync('pnpm', ['why', '-r', ...names, '--json'], {
    cwd: repoRoot,
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(stdout) as Installed[];
}

describe('one version of each shared dependency: the pnpm catalog', () => {
  it('catalogs the dependencies that more than one workspace declares', () => {
    expect(Object.keys(catalog)).toEqual(
      expect.arrayContaining(['ioredis', 'pg', 'bullmq', 'knex', '@opentelemetry/sdk-trace-base']),
    );
  });

  it('no workspace pins its own copy of a catalogued dependency', () => {
    expect(catalogViolations(readManifests(), catalog)).toEqual([]);
  });

  it('the check catches a workspace that pins its own copy, and a shared dependency left out', () => {
    const manifests = readManifests();
    const api = structuredClone(manifests.get('apps/api')!);
    api.dependencies = { ...api.dependencies, ioredis: '^5.4.0', 'left-pad': '^1.3.0' };
    const worker = structuredClone(manifests.get('apps/worker')!);
    worker.devDependencies = { ...worker.devDependencies, 'left-pad': '^1.3.0' };
    manifests.set('apps/api', api).set('apps/worker', worker);
    expect(catalogViolations(manifests, { ...catalog, 'is-odd': '^3.0.0' })).toEqual([
      'apps/api: dependencies.ioredis pins "^5.4.0" instead of "catalog:"',
      'left-pad is declared by apps/api, apps/worker but is not in the catalog',
      'catalog entry is-odd is used by no workspace',
    ]);
  });

  it('pnpm reports one installed version of each catalogued dependency at any depth of the tree', async () => {
    const names = Object.keys(catalog);
    const installed = await installedVersions(names);
    expect([...new Set(installed.map((i) => i.name))].sort()).toEqual([...names].sort());
    expect(versionSplits(installed, names)).toEqual({});
    // Each allowed second copy still exists: an entry that no longer excuses anything is removed.
    for (const [name, rule] of Object.entries(ALLOWED_SECOND_COPIES)) {
      const excused = installed.filter(
        (i) => i.name === name && i.dependents.every((d) => rule.dependents.test(d.name)),
      );
      expect(excused.length, `${name}: ${rule.why}`).toBeGreaterThan(0);
    }
  });

  it('the depth check reports a second copy pulled in by a dependency, and an allowed copy reached another way', async () => {
    const names = Object.keys(catalog);
    const installed = await installedVersions(names);
    const ioredis = installed.find((i) => i.name === 'ioredis')!;
    // bullmq (a dependency, not a workspace) brings its own ioredis, as sdk-node brought its own
    // sdk-trace-base before the catalog followed its pin.
    const deep = [
      ...installed,
      { name: 'ioredis', version: '5.0.0', dependents: [{ name: 'bullmq', version: '5.0.0' }] },
    ];
    expect(versionSplits(deep, names)).toEqual({ ioredis: ['5.0.0', ioredis.version].sort() });
    // prettier 2 is excused only inside @changesets: a workspace that installs it is reported.
    const prettier = installed.filter((i) => i.name === 'prettier');
    const second = prettier.find((i) => i.dependents.every((d) => /^@changesets\//.test(d.name)))!;
    const main = prettier.find((i) => i !== second)!;
    const leaked = installed.map((i) =>
      i === second
        ? { ...i, dependents: [...i.dependents, { name: '@shipshape/bench', version: '0.0.0' }] }
        : i,
    );
    expect(versionSplits(leaked, names)).toEqual({
      prettier: [second.version, main.version].sort(),
    });
  });

  it('pnpm pack writes the catalog ranges, never "catalog:", into a published package', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shipshape-pack-'));
    try {
      const packageDir = join(repoRoot, 'packages', 'metrics');
      const source = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as Manifest;
      const fromCatalog = Object.entries(source.dependencies ?? {}).filter(
        ([, spec]) => spec === 'catalog:',
      );
      expect(fromCatalog.length).toBeGreaterThan(0);
      await execFileAsync('pnpm', ['pack', '--pack-destination', dir], { cwd: packageDir });
      const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'))!;
      await execFileAsync('tar', ['-xzf', join(dir, tarball), '-C', dir]);
      const packedText = readFileSync(join(dir, 'package', 'package.json'), 'utf8');
      expect(packedText).not.toContain('catalog:');
      const packed = JSON.parse(packedText) as Manifest;
      for (const [name] of fromCatalog) {
        expect(packed.dependencies?.[name], name).toBe(catalog[name]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
