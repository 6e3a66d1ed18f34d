// Small public APIs, reviewed: each package's API reports (`<package>.api.md`, one per entry point,
// written by `pnpm --filter <package> api-report` through scripts/api-report.mjs) must match what a
// fresh build declares, and no two packages may export the same name (an app imports several).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { limiter } from './lib/limiter.js';
import { cloneEnv, inCleanCopy, workspacePackages, type WorkspacePackage } from './lib/packed.js';
import { execFileAsync } from './repo.js';

const packages = workspacePackages();

interface Checked {
  /** The check's exit code and output. */
  readonly code: number;
  readonly output: string;
  /** Every name each entry point exports (values and types), from the fresh declarations. */
  readonly names: Readonly<Record<string, readonly string[]>>;
}

/** Names exported by each entry point's declarations, as TypeScript sees them. */
function declaredNames(pkg: WorkspacePackage, copy: string): Record<string, string[]> {
  const names: Record<string, string[]> = {};
  for (const [subpath, target] of Object.entries(pkg.manifest.exports)) {
    const types = (target as { types?: unknown }).types;
    if (typeof types !== 'string') continue;
    const file = join(copy, types);
    const program = ts.createProgram([file], {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      noEmit: true,
      skipLibCheck: true,
    });
    const source = program.getSourceFile(file);
    const symbol =
      source === undefined ? undefined : program.getTypeChecker().getSymbolAtLocation(source);
    names[subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`] =
      symbol === undefined
        ? []
        : program
            .getTypeChecker()
            .getExportsOfModule(symbol)
            .map((exported) => exported.name);
  }
  return names;
}

/**
 * Runs `api-report --check` in a fresh-clone-like copy (the working tree is untouched), after
 * building the workspace packages it depends on there (its own build needs their declarations).
 */
function check(pkg: WorkspacePackage): Promise<Checked> {
  return inCleanCopy(pkg, async (copy) => {
    const result = await execFileAsync(
      'pnpm',
      ['exec', 'turbo', 'run', 'build', `--filter=${pkg.name}^...`, '--output-logs=errors-only'],
      { cwd: copy, env: cloneEnv(), timeout: 240_000 },
    )
      .then(() =>
        execFileAsync('pnpm', ['run', 'api-report', '--check'], {
          cwd: copy,
          env: cloneEnv(),
          timeout: 180_000,
        }),
      )
      .then(
        ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
        (error: unknown) => {
          const {
            code,
            stdout = '',
            stderr = '',
          } = error as {
            code?: number;
            stdout?: string;
            stderr?: string;
          };
          return { code: typeof code === 'number' ? code : 1, output: stdout + stderr };
        },
      );
    return { ...result, names: declaredNames(pkg, copy) };
  });
}

const results = new Map<string, Promise<Checked>>();

beforeAll(async () => {
  const limit = limiter(2); // each builds with tsc and runs api-extractor
  for (const pkg of packages)
    results.set(
      pkg.dir,
      limit(() => check(pkg)),
    );
  await Promise.allSettled(results.values());
}, 600_000);

describe.each(packages.map((pkg) => [pkg.dir, pkg] as const))('packages/%s', (_dir, pkg) => {
  it('has an api-report script and committed API reports that match a fresh build', async () => {
    // It builds the package and the workspace packages it imports first, as prepack does, so it
    // works in a fresh clone.
    expect(pkg.manifest.scripts['api-report']).toBe(
      `TURBO_TELEMETRY_DISABLED=1 turbo run build --filter=${pkg.manifest.name}... --output-logs=errors-only && node ../../scripts/api-report.mjs`,
    );
    const { code, output } = await results.get(pkg.dir)!;
    const reports = readdirSync(pkg.root).filter((file) => file.endsWith('.api.md'));
    expect(reports.length, `no *.api.md in packages/${pkg.dir}`).toBeGreaterThan(0);
    expect(code, output).toBe(0);
  });
});

describe('the exported names', () => {
  it('are never exported by two packages', async () => {
    const owners = new Map<string, Set<string>>();
    for (const pkg of packages) {
      const { names } = await results.get(pkg.dir)!;
      for (const name of Object.values(names).flat()) {
        owners.set(name, (owners.get(name) ?? new Set()).add(pkg.name));
      }
    }
    const clashes = [...owners]
      .filter(([, by]) => by.size > 1)
      .map(([name, by]) => `${name}: ${[...by].sort().join(', ')}`)
      .sort();
    expect(clashes).toEqual([]);
  });
});
