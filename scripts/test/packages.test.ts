import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRepoFile, repoRoot } from './repo.js';

const packageDirs = readdirSync(join(repoRoot, 'packages')).filter((dir) =>
  existsSync(join(repoRoot, 'packages', dir, 'package.json')),
);
const readme = readRepoFile('README.md');
const changesets = readdirSync(join(repoRoot, '.changeset'))
  .filter((file) => file.endsWith('.md') && file !== 'README.md')
  .map((file) => readRepoFile(join('.changeset', file)));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe.each(packageDirs)('packages/%s', (dir) => {
  const root = join(repoRoot, 'packages', dir);
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<
    string,
    unknown
  >;

  it('has every file of the CONTRIBUTING checklist', () => {
    for (const file of [
      'package.json',
      'tsconfig.json',
      'tsconfig.build.json',
      'vitest.config.ts',
      'src/index.ts',
      'README.md',
    ]) {
      expect(existsSync(join(root, file)), `${dir}/${file}`).toBe(true);
    }
    expect(readRepoFile('CONTRIBUTING.md')).toContain('`tsconfig.build.json`');
  });

  it('is published the way the checklist says', () => {
    expect(pkg).toMatchObject({
      name: `@shipshape/${dir}`,
      type: 'module',
      sideEffects: false,
      files: ['dist'],
      publishConfig: { access: 'public' },
      repository: { directory: `packages/${dir}` },
    });
    const exports = pkg['exports'] as Record<string, Record<string, string> | string>;
    expect(Object.keys(exports['.'] as object)[0]).toBe('types');
    expect(exports['./package.json']).toBe('./package.json');
    expect(Object.keys(pkg['scripts'] as object)).toEqual(
      expect.arrayContaining(['build', 'dev', 'typecheck', 'lint', 'publint', 'test']),
    );
  });

  it('imports no other shipshape package at run time but the shared leaf, and lists its public names explicitly', () => {
    // DESIGN.md allows one zero-dependency leaf of shared contracts; it depends on nothing at all.
    const allowed =
      dir === 'contracts' ? /from\s+['"]@shipshape\// : /from\s+['"]@shipshape\/(?!contracts['"])/;
    for (const file of sourceFiles(join(root, 'src'))) {
      const source = readFileSync(file, 'utf8');
      expect(source, file).not.toMatch(allowed);
      expect(source, file).not.toMatch(/export \* from/);
    }
    const dependencies = Object.keys({
      ...(pkg['dependencies'] as object),
      ...(pkg['peerDependencies'] as object),
    });
    if (dir === 'contracts') expect(dependencies).toEqual([]);
    expect(
      dependencies.filter(
        (name) => name.startsWith('@shipshape/') && name !== '@shipshape/contracts',
      ),
    ).toEqual([]);
  });

  it('is listed in the root README and announced by a changeset (or already has a changelog)', () => {
    expect(readme).toContain(`[\`@shipshape/${dir}\`](packages/${dir})`);
    const announced = changesets.some(
      (text) => text.includes(`'@shipshape/${dir}'`) || text.includes(`"@shipshape/${dir}"`),
    );
    expect(announced || existsSync(join(root, 'CHANGELOG.md'))).toBe(true);
  });
});

describe('the root README packages table', () => {
  it('lists no package that does not exist', () => {
    const listed = [...readme.matchAll(/\]\(packages\/([\w-]+)\)/g)].map((m) => m[1]);
    expect(listed.sort()).toEqual([...packageDirs].sort());
  });
});
