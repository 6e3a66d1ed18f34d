import { appendFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileAsync, readRepoFile, repoRoot } from './repo.js';

// A dry run computes every task hash (files, dependencies, environment) without running anything.
const turbo = join(repoRoot, 'node_modules', '.bin', 'turbo');

interface DryTask {
  taskId: string;
  task: string;
  hash: string;
  inputs: Record<string, string>;
  environmentVariables: { specified: { env: string[] } };
}
interface DryRun {
  envMode: string;
  tasks: DryTask[];
}

/** `turbo run test --dry=json` in `cwd`, with only the given environment (plus PATH and HOME). */
async function dryRun(
  cwd: string,
  filters: string[],
  env: Record<string, string> = {},
): Promise<{ envMode: string; test: Map<string, DryTask> }> {
  const { stdout } = await execFileAsync(
    turbo,
    ['run', 'test', '--dry=json', ...filters.map((f) => `--filter=${f}`)],
    {
      cwd,
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: process.env['HOME'] ?? '',
        TURBO_TELEMETRY_DISABLED: '1',
        ...env,
      },
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const run = JSON.parse(stdout) as DryRun;
  const test = new Map(run.tasks.filter((t) => t.task === 'test').map((t) => [t.taskId, t]));
  return { envMode: run.envMode, test };
}
const hashOf = async (
  cwd: string,
  taskId: string,
  env: Record<string, string> = {},
): Promise<string> => {
  const pkg = taskId.split('#')[0]!;
  const task = (await dryRun(cwd, [pkg], env)).test.get(taskId);
  if (task === undefined) throw new Error(`no ${taskId} in the dry run`);
  return task.hash;
};

interface TurboTask {
  env?: string[];
  passThroughEnv?: string[];
}
const rootTurbo = JSON.parse(readRepoFile('turbo.json')) as {
  envMode: string;
  globalPassThroughEnv: string[];
  tasks: Record<string, TurboTask>;
};
const declaredTestEnv = rootTurbo.tasks['test']?.env ?? [];
const matches = (name: string, pattern: string) =>
  pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern;

describe('turbo: a cached test result means the same inputs and the same environment', () => {
  it('runs in strict env mode: tasks see only declared variables', async () => {
    expect(rootTurbo.envMode).toBe('strict');
    expect((await dryRun(repoRoot, ['@shipshape/testkit'])).envMode).toBe('strict');
  });

  it.each([
    [
      'TEST_DATABASE_URL',
      'postgres://postgres@127.0.0.1:5432/test',
      'postgres://postgres@db:5432/ci',
    ],
    ['REDIS_URL', 'redis://127.0.0.1:6379', 'redis://cache:6379'],
    ['PGHOST', '127.0.0.1', 'db.internal'],
    ['CI', 'true', 'false'],
  ])(
    'changing %s, which the testkit suite reads, changes its test hash (turbo re-runs it)',
    async (name, first, second) => {
      const a = await hashOf(repoRoot, '@shipshape/testkit#test', { [name]: first });
      const b = await hashOf(repoRoot, '@shipshape/testkit#test', { [name]: second });
      expect(b).not.toBe(a);
    },
  );

  it('an undeclared variable and a machine-plumbing pass-through do not change the hash', async () => {
    const base = await hashOf(repoRoot, '@shipshape/testkit#test');
    expect(
      await hashOf(repoRoot, '@shipshape/testkit#test', { SHIPSHAPE_UNDECLARED: 'anything' }),
    ).toBe(base);
    expect(rootTurbo.globalPassThroughEnv).toContain('npm_config_nodedir');
    expect(
      await hashOf(repoRoot, '@shipshape/testkit#test', { npm_config_nodedir: '/elsewhere' }),
    ).toBe(base);
  });

  it('every environment variable a test or its fixture reads is declared, or set by the tests themselves', () => {
    // Knobs the tests set for their own fixture processes: strict mode keeps a stray value in a
    // contributor's shell from reaching those fixtures, so they are deliberately not declared.
    const setByTheTests = new Set([
      'API_TEST_SCRATCH', // apps/api global setup points it at its own temp dir
      'SECRET',
      'API_TOKEN_FILE',
      'FAIL_MODE', // packages/config fixtures
      'HANG',
      'FAIL',
      'SLOW',
      'CRASH',
      'TLS', // packages/shutdown fixtures
      'PORT', // packages/telemetry fixtures
    ]);
    // Always passed by turbo itself (not hashed): the machine's plumbing.
    const turboDefaults = new Set([
      'PATH',
      'HOME',
      'TMPDIR',
      'TZ',
      'LANG',
      'USER',
      'SHELL',
      'TERM',
      'COLORTERM',
      'NO_COLOR',
      'FORCE_COLOR',
    ]);
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (['node_modules', 'dist', '.turbo'].includes(entry.name)) continue;
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (/\.(ts|mts|mjs|js|cjs)$/.test(entry.name)) files.push(path);
      }
    };
    for (const group of ['packages', 'apps', 'tooling']) {
      for (const workspace of readdirSync(join(repoRoot, group))) {
        for (const folder of ['src', 'test']) {
          try {
            walk(join(repoRoot, group, workspace, folder));
          } catch {
            // not every workspace has both folders
          }
        }
      }
    }
    walk(join(repoRoot, 'scripts', 'test'));
    const read = new Map<string, string>();
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(
        /process\.env(?:\.([A-Za-z_]\w*)|\[['"]([A-Za-z_]\w*)['"]\])/g,
      )) {
        const name = match[1] ?? match[2]!;
        if (!read.has(name)) read.set(name, relative(repoRoot, file));
      }
    }
    expect(read.size).toBeGreaterThan(5);
    const undeclared = [...read].filter(
      ([name]) =>
        !setByTheTests.has(name) &&
        !turboDefaults.has(name) &&
        !declaredTestEnv.some((pattern) => matches(name, pattern)),
    );
    expect(undeclared, 'declare them in turbo.json tasks.test.env').toEqual([]);
    for (const name of ['DATABASE_URL', 'REDIS_URL', 'TEST_DATABASE_URL', 'CI']) {
      expect(declaredTestEnv).toContain(name);
    }
    expect(declaredTestEnv).toContain('PG*');
  });
});

describe('turbo: test inputs cover sources, tests, fixtures and the shared test kit (scratch clone)', () => {
  // A clone of HEAD with this checkout's turbo configuration, so files can be changed freely.
  let clone = '';
  beforeAll(async () => {
    clone = mkdtempSync(join(tmpdir(), 'shipshape-turbo-'));
    await execFileAsync('git', ['clone', '--quiet', '--no-hardlinks', repoRoot, clone]);
    for (const file of [
      'turbo.json',
      'scripts/turbo.json',
      'apps/api/turbo.json',
      'apps/worker/turbo.json',
      'deploy/turbo.json',
      'bench/turbo.json',
    ]) {
      cpSync(join(repoRoot, file), join(clone, file));
    }
  });
  afterAll(() => rmSync(clone, { recursive: true, force: true }));

  it.each([
    ['tooling/testkit/src/free-port.ts', '@shipshape/health#test', true],
    ['tooling/testkit/src/free-port.ts', '@shipshape/example-api#test', true],
    ['packages/shutdown/test/fixtures/hooks.mjs', '@shipshape/shutdown#test', true],
    ['packages/logger/README.md', '@shipshape/logger#test', true],
    ['apps/api/src/config.ts', '@shipshape/example-worker#test', true],
    ['.github/workflows/ci.yml', '@shipshape/scripts#test', true],
    ['CONTRIBUTING.md', '@shipshape/scripts#test', true],
    ['deploy/README.md', '@shipshape/health#test', false],
    ['.github/workflows/ci.yml', '@shipshape/logger#test', false],
  ] as const)('a change to %s re-runs %s: %s', async (file, taskId, reruns) => {
    const before = await hashOf(clone, taskId);
    appendFileSync(join(clone, file), '\n');
    try {
      const after = await hashOf(clone, taskId);
      if (reruns) expect(after).not.toBe(before);
      else expect(after).toBe(before);
    } finally {
      await execFileAsync('git', ['checkout', '--quiet', '--', file], { cwd: clone });
    }
  });
});
