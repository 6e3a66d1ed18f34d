import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { execFileAsync, readRepoFile, repoRoot } from './repo.js';

const changesetCli = join(repoRoot, 'node_modules', '@changesets', 'cli', 'bin.js');
const coverageCheck = join(repoRoot, 'scripts', 'changeset-check.mjs');
const gitEnv = {
  PATH: process.env['PATH'] ?? '',
  HOME: process.env['HOME'] ?? '',
  NO_COLOR: '1',
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
};

/** A throw-away clone of HEAD whose node_modules is this checkout's (for the changelog module). */
async function scratchClone(prefix: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  await execFileAsync('git', ['clone', '--quiet', repoRoot, dir], { env: gitEnv });
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

/** Runs a command in `cwd` and resolves with its exit code and output, whatever the code. */
function run(cwd: string, command: string, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env: gitEnv }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, out: `${stdout}${stderr}` });
    });
  });
}
const git = (cwd: string, ...args: string[]) => execFileAsync('git', args, { cwd, env: gitEnv });

/** Front matter of a changeset: package name → bump type. */
function releasesOf(text: string): Record<string, string> {
  const front = /^---\n([\s\S]*?)\n?---/.exec(text)?.[1] ?? '';
  return (parse(front) as Record<string, string> | null) ?? {};
}

const ci = parse(readRepoFile('.github/workflows/ci.yml')) as {
  jobs: Record<
    string,
    {
      steps: {
        run?: string;
        if?: string;
        env?: Record<string, string>;
        with?: Record<string, unknown>;
      }[];
    }
  >;
};

describe('is my change covered? changeset status --since and scripts/changeset-check.mjs', () => {
  const BASE = 'pull-request-base';
  let clone = '';
  const status = () => run(clone, process.execPath, [changesetCli, 'status', `--since=${BASE}`]);
  const statusWithoutSince = () => run(clone, process.execPath, [changesetCli, 'status']);
  const check = () => run(clone, process.execPath, [coverageCheck, BASE]);

  beforeAll(async () => {
    clone = await scratchClone('shipshape-changeset-status-');
    // The branch a pull request targets: the cloned commit (a CI checkout of a pull request has
    // no local main for the clone to call origin/main).
    await git(clone, 'branch', BASE);
    await git(clone, 'checkout', '--quiet', '-b', 'feature');
  });
  afterAll(() => rmSync(clone, { recursive: true, force: true }));

  it('CI runs both checks on pull requests against the base branch, with its full history', () => {
    const step = ci.jobs['test']!.steps.find((s) => s.run?.includes('changeset-check.mjs'));
    expect(step?.if).toContain("github.event_name == 'pull_request'");
    expect(step?.env).toEqual({ BASE_REF: 'origin/${{ github.base_ref }}' });
    expect(step?.run).toContain('pnpm changeset status --since="$BASE_REF"');
    expect(step?.run).toContain('node scripts/changeset-check.mjs "$BASE_REF"');
    const checkout = ci.jobs['test']!.steps.find((s) => s.with?.['fetch-depth'] !== undefined);
    expect(checkout?.with?.['fetch-depth']).toBe(0);
  });

  it('a branch that changes no published package needs no changeset', async () => {
    expect((await status()).code).toBe(0);
    const { code, out } = await check();
    expect(out).toContain('no published package changed');
    expect(code).toBe(0);
  });

  it('code committed without a changeset fails, whatever changesets are already pending on main', async () => {
    const pending = readdirSync(join(clone, '.changeset')).filter(
      (f) => f.endsWith('.md') && f !== 'README.md',
    );
    const pendingForLogger = pending.filter(
      (f) => '@shipshape/logger' in releasesOf(readFileSync(join(clone, '.changeset', f), 'utf8')),
    );
    // The trap this guards against: pending changesets on main already name the logger.
    expect(pendingForLogger.length).toBeGreaterThan(0);

    appendFile(clone, 'packages/logger/src/index.ts', '// a change\n');
    await git(clone, 'commit', '--quiet', '-am', 'logger: a change');

    // Plain `changeset status` counts the pending changesets of main and says all is well.
    expect((await statusWithoutSince()).code).toBe(0);
    const stock = await status();
    expect(stock.out).toContain('Some packages have been changed but no changesets were found');
    expect(stock.code).toBe(1);
    const { code, out } = await check();
    expect(out).toMatch(/MISSING @shipshape\/logger: changed in packages\/logger\//);
    expect(code).toBe(1);
  });

  it('a changeset for another package satisfies changeset status but not the per-package check', async () => {
    writeFileSync(
      join(clone, '.changeset', 'metrics-only.md'),
      "---\n'@shipshape/metrics': patch\n---\n\nA metrics fix.\n",
    );
    appendFile(clone, 'packages/metrics/src/index.ts', '// a change\n');
    await git(clone, 'add', '-A', '.changeset', 'packages');
    await git(clone, 'commit', '--quiet', '-m', 'metrics: a fix, with its changeset');
    expect((await status()).code).toBe(0);
    const { code, out } = await check();
    expect(out).toContain('ok   @shipshape/metrics: .changeset/metrics-only.md');
    expect(out).toContain('MISSING @shipshape/logger');
    expect(code).toBe(1);
  });

  it('a changeset written after the code counts, before and after it is committed', async () => {
    writeFileSync(
      join(clone, '.changeset', 'logger-change.md'),
      "---\n'@shipshape/logger': patch\n---\n\nA logger change.\n",
    );
    // Untracked: changeset status does not see it yet; the check does.
    const untracked = await check();
    expect(untracked.out).toContain('ok   @shipshape/logger: .changeset/logger-change.md');
    expect(untracked.code).toBe(0);

    await git(clone, 'add', '.changeset/logger-change.md');
    await git(clone, 'commit', '--quiet', '-m', 'changeset for the logger change');
    const stock = await status();
    expect(stock.out).toMatch(/Packages to be bumped at patch[\s\S]*@shipshape\/logger/);
    expect(stock.code).toBe(0);
    const committed = await check();
    expect(committed.out).toContain('every changed package has a changeset');
    expect(committed.code).toBe(0);
  });

  it('an empty changeset declares that the change needs no release', async () => {
    await git(clone, 'checkout', '--quiet', '-b', 'tests-only', BASE);
    appendFile(clone, 'packages/shutdown/README.md', '\n');
    await git(clone, 'commit', '--quiet', '-am', 'shutdown: README whitespace');
    expect((await check()).code).toBe(1);
    writeFileSync(join(clone, '.changeset', 'no-release.md'), '---\n---\n');
    const { code, out } = await check();
    expect(out).toContain('empty: no release');
    expect(code).toBe(0);
  });

  it('fails clearly when the base branch is unknown', async () => {
    const { code, out } = await run(clone, process.execPath, [
      coverageCheck,
      'origin/no-such-branch',
    ]);
    expect(out).toContain('cannot find where HEAD diverged from origin/no-such-branch');
    expect(code).toBe(2);
  });
});

function appendFile(root: string, file: string, text: string): void {
  writeFileSync(join(root, file), readFileSync(join(root, file), 'utf8') + text);
}

const bump = (version: string, type: string): string => {
  const [major = 0, minor = 0, patch = 0] = version.split('.').map(Number);
  if (type === 'major') return `${String(major + 1)}.0.0`;
  if (type === 'minor') return `${String(major)}.${String(minor + 1)}.0`;
  return `${String(major)}.${String(minor)}.${String(patch + 1)}`;
};
const RANK: Record<string, number> = { none: 0, patch: 1, minor: 2, major: 3 };
const HEADINGS: Record<string, string> = {
  major: '### Major Changes',
  minor: '### Minor Changes',
  patch: '### Patch Changes',
};

describe('release dry run: changeset version in a scratch clone of HEAD', () => {
  let clone = '';
  interface Expected {
    dir: string;
    name: string;
    from: string;
    to: string;
    changesets: { id: string; type: string; firstLine: string }[];
  }
  const expected: Expected[] = [];
  const privateWorkspaces: { dir: string; version: string }[] = [];

  beforeAll(async () => {
    clone = await scratchClone('shipshape-release-');
    // What the pending changesets promise, read before they are consumed.
    const changesets = readdirSync(join(clone, '.changeset'))
      .filter((f) => f.endsWith('.md') && f !== 'README.md')
      .map((f) => {
        const text = readFileSync(join(clone, '.changeset', f), 'utf8');
        const summary = text.replace(/^---[\s\S]*?---\s*/, '');
        return {
          id: f.slice(0, -3),
          releases: releasesOf(text),
          firstLine: summary.split('\n')[0]!,
        };
      });
    for (const group of ['packages', 'apps', 'tooling']) {
      for (const entry of readdirSync(join(clone, group))) {
        const dir = `${group}/${entry}`;
        if (!existsSync(join(clone, dir, 'package.json'))) continue;
        const pkg = JSON.parse(readFileSync(join(clone, dir, 'package.json'), 'utf8')) as {
          name: string;
          version: string;
          private?: boolean;
        };
        if (pkg.private === true) {
          privateWorkspaces.push({ dir, version: pkg.version });
          continue;
        }
        const mine = changesets
          .filter((c) => c.releases[pkg.name] !== undefined)
          .map((c) => ({ id: c.id, type: c.releases[pkg.name]!, firstLine: c.firstLine }));
        const type = mine.reduce((top, c) => (RANK[c.type]! > RANK[top]! ? c.type : top), 'none');
        expected.push({
          dir,
          name: pkg.name,
          from: pkg.version,
          to: type === 'none' ? pkg.version : bump(pkg.version, type),
          changesets: mine,
        });
      }
    }
    const { stdout } = await execFileAsync(process.execPath, [changesetCli, 'version'], {
      cwd: clone,
      env: gitEnv,
    });
    expect(stdout).toContain('All files have been updated');
  });
  afterAll(() => rmSync(clone, { recursive: true, force: true }));

  it('finds published packages, each with a changeset announcing its first release', () => {
    expect(expected.length).toBeGreaterThanOrEqual(5);
    for (const pkg of expected) {
      expect(pkg.from, pkg.name).toBe('0.0.0');
      expect(pkg.changesets.length, `${pkg.name} has no pending changeset`).toBeGreaterThan(0);
    }
  });

  it('bumps each published package by its highest pending bump (the initial release: 0.0.0 → 0.1.0)', () => {
    for (const pkg of expected) {
      const manifest = JSON.parse(readFileSync(join(clone, pkg.dir, 'package.json'), 'utf8')) as {
        version: string;
      };
      expect(manifest.version, pkg.name).toBe(pkg.to);
      expect(pkg.to, pkg.name).toBe('0.1.0');
    }
  });

  it('writes each a CHANGELOG.md with its version and every changeset, under its bump type, with its commit', async () => {
    for (const pkg of expected) {
      const changelog = readFileSync(join(clone, pkg.dir, 'CHANGELOG.md'), 'utf8');
      expect(changelog.startsWith(`# ${pkg.name}\n\n## ${pkg.to}\n`), pkg.name).toBe(true);
      for (const changeset of pkg.changesets) {
        const { stdout } = await execFileAsync(
          'git',
          ['log', '--diff-filter=A', '--format=%h', '-1', '--', `.changeset/${changeset.id}.md`],
          { cwd: clone },
        );
        const section = changelog.slice(changelog.indexOf(HEADINGS[changeset.type]!));
        expect(changelog, pkg.name).toContain(HEADINGS[changeset.type]!);
        expect(section, `${pkg.name} / ${changeset.id}`).toContain(
          `- ${stdout.trim()}: ${changeset.firstLine}`,
        );
      }
    }
  });

  it('consumes the changesets and leaves private workspaces alone', () => {
    const left = readdirSync(join(clone, '.changeset')).sort();
    expect(left).toEqual(['README.md', 'config.json']);
    for (const { dir, version } of privateWorkspaces) {
      const manifest = JSON.parse(readFileSync(join(clone, dir, 'package.json'), 'utf8')) as {
        version: string;
      };
      expect(manifest.version, dir).toBe(version);
      expect(existsSync(join(clone, dir, 'CHANGELOG.md')), dir).toBe(false);
    }
  });
});
