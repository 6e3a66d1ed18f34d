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

interface Listed {
  name: string;
  dependencies?: Record<string, { version: string }>;
  devDependencies?: Record<string, { version: string }>;
  optionalDependencies?: Record<string, { version: string }>;
}
/** Catalogued dependencies that pnpm installed at more than one version across the workspaces. */
function versionSplits(listed: Listed[], names: string[]): Record<string, string[]> {
  const versions = new Map<string, Set<string>>();
  for (const workspace of listed) {
    for (const section of SECTIONS) {
      for (const [name, { version }] of Object.entries(workspace[section] ?? {})) {
        if (names.includes(name))
          versions.set(name, (versions.get(name) ?? new Set()).add(version));
      }
    }
  }
  return Object.fromEntries(
    [...versions].filter(([, set]) => set.size > 1).map(([name, set]) => [name, [...set].sort()]),
  );
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

  it('pnpm reports one installed version of each catalogued dependency across the workspaces', async () => {
    const { stdout } = await execFileAsync('pnpm', ['list', '-r', '--depth', '0', '--json'], {
      cwd: repoRoot,
      maxBuffer: 64 * 1024 * 1024,
    });
    const listed = JSON.parse(stdout) as Listed[];
    const names = Object.keys(catalog);
    const seen = names.filter((name) =>
      listed.some((w) => SECTIONS.some((section) => w[section]?.[name] !== undefined)),
    );
    expect(seen.sort()).toEqual([...names].sort());
    expect(versionSplits(listed, names)).toEqual({});
    // The same check on a listing where one workspace got another ioredis reports the split.
    const split = structuredClone(listed);
    const holder = split.find((w) => w.dependencies?.['ioredis'] !== undefined)!;
    const installed = holder.dependencies!['ioredis']!.version;
    holder.dependencies!['ioredis'] = { version: '5.0.0' };
    expect(versionSplits(split, names)).toEqual({ ioredis: ['5.0.0', installed].sort() });
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
