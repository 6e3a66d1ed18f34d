import {
  appendFileSync,
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
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
  globalEnv: string[];
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

  describe('the Node version is part of every task hash', () => {
    // The oldest Node the packages support (engines >=22.12) and the pinned one running this test.
    const OLDEST = '22.12.0';
    const scratch = mkdtempSync(join(tmpdir(), 'shipshape-turbo-node-'));
    afterAll(() => rmSync(scratch, { recursive: true, force: true }));

    /** The CI jobs' "Node in use" step, run as GitHub runs it with `nodeBin` first on PATH: the
     * variables it adds to $GITHUB_ENV for the later steps. */
    async function ciNodeStep(nodeBin: string): Promise<Record<string, string>> {
      const ci = parse(readRepoFile('.github/workflows/ci.yml')) as {
        jobs: Record<string, { steps: { name?: string; run?: string }[] }>;
      };
      const steps = Object.values(ci.jobs).map((job) =>
        job.steps.find((s) => s.name === 'Node in use'),
      );
      expect(steps.length).toBe(2);
      expect(steps[1]).toEqual(steps[0]);
      const githubEnv = join(scratch, `github-env-${String(Math.random()).slice(2)}`);
      writeFileSync(githubEnv, '');
      await execFileAsync(
        '/bin/bash',
        ['--noprofile', '--norc', '-eo', 'pipefail', '-c', steps[0]!.run!],
        {
          env: { PATH: `${nodeBin}:/usr/bin:/bin`, GITHUB_ENV: githubEnv },
        },
      );
      return Object.fromEntries(
        readFileSync(githubEnv, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
      );
    }

    it(`same inputs on Node ${OLDEST} and on the pinned Node give different hashes (CI's step sets the variable)`, async () => {
      expect(rootTurbo.globalEnv).toEqual(['SHIPSHAPE_NODE_VERSION']);
      const { stdout } = await execFileAsync('bash', ['scripts/node-env.sh', 'fetch', OLDEST], {
        cwd: repoRoot,
      });
      const oldest = await ciNodeStep(join(stdout.trim(), 'bin'));
      const pinned = await ciNodeStep(dirname(process.execPath));
      expect(oldest).toEqual({ SHIPSHAPE_NODE_VERSION: `v${OLDEST}` });
      expect(pinned).toEqual({ SHIPSHAPE_NODE_VERSION: process.version });
      expect(process.version).not.toBe(`v${OLDEST}`);
      for (const taskId of ['@shipshape/testkit#test', '@shipshape/logger#test']) {
        const onOldest = await hashOf(repoRoot, taskId, oldest);
        const onPinned = await hashOf(repoRoot, taskId, pinned);
        expect(onOldest, taskId).not.toBe(onPinned);
        // Control: the same Node again hits the same cache entry.
        expect(await hashOf(repoRoot, taskId, await ciNodeStep(dirname(process.execPath)))).toBe(
          onPinned,
        );
      }
    });

    it('a shell that sourced scripts/node-env.sh (npm test, .ci/run) hashes as CI does on the same Node', async () => {
      const { stdout } = await execFileAsync(
        'bash',
        [
          '--noprofile',
          '--norc',
          '-c',
          `source scripts/node-env.sh && printf '%s\\n' "$SHIPSHAPE_NODE_VERSION" "$(node --version)" && '${turbo}' run test --dry=json --filter=@shipshape/testkit`,
        ],
        {
          cwd: repoRoot,
          env: {
            PATH: `${dirname(process.execPath)}:/usr/bin:/bin`,
            HOME: process.env['HOME'] ?? '',
            TURBO_TELEMETRY_DISABLED: '1',
          },
          maxBuffer: 64 * 1024 * 1024,
        },
      );
      const [exported, nodeVersion, ...json] = stdout.split('\n');
      expect(exported).toBe(nodeVersion);
      expect(exported).toBe(process.version);
      const run = JSON.parse(json.join('\n')) as DryRun;
      const sourced = run.tasks.find((t) => t.taskId === '@shipshape/testkit#test')!.hash;
      const ciHash = await hashOf(
        repoRoot,
        '@shipshape/testkit#test',
        await ciNodeStep(dirname(process.execPath)),
      );
      expect(sourced).toBe(ciHash);
      // Without the variable (turbo run straight from a shell that never sourced it) the hash differs.
      expect(await hashOf(repoRoot, '@shipshape/testkit#test')).not.toBe(sourced);
    });
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
