import { execFile } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRepoFile, repoRoot } from './repo.js';

/**
 * CONTRIBUTING.md's first path, as a new contributor walks it: a fresh clone, the install, one
 * package's tests with the documented command, a change, a changeset written by hand in the
 * documented format, and both checks saying the change is covered.
 */
const clone = mkdtempSync(join(tmpdir(), 'shipshape-first-contribution-'));
afterAll(() => rmSync(clone, { recursive: true, force: true }));

const { NODE_ENV: _testEnv, ...inherited } = process.env;
const env = {
  ...inherited,
  NO_COLOR: '1',
  TURBO_TELEMETRY_DISABLED: '1',
  GIT_AUTHOR_NAME: 'New Contributor',
  GIT_AUTHOR_EMAIL: 'new@example.com',
  GIT_COMMITTER_NAME: 'New Contributor',
  GIT_COMMITTER_EMAIL: 'new@example.com',
};

function run(command: string, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd: clone, env, maxBuffer: 64 * 1024 * 1024, timeout: 300_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, out: `${stdout}${stderr}` });
      },
    );
  });
}

/** The command CONTRIBUTING.md's table gives for a row, with its backticks removed. */
function documented(row: string): string {
  const line = readRepoFile('CONTRIBUTING.md')
    .split('\n')
    .find((candidate) => candidate.startsWith(`| ${row} `));
  const command = /`([^`]+)`/.exec(line ?? '')?.[1];
  if (command === undefined) throw new Error(`CONTRIBUTING.md has no "${row}" row with a command`);
  return command;
}

describe("CONTRIBUTING.md's first contribution, from a fresh clone", () => {
  it('clone, install, one package tested, a change with a hand-written changeset, covered', async () => {
    expect((await run('git', ['clone', '--quiet', repoRoot, clone])).code).toBe(0);
    const install = await run('pnpm', ['install', '--offline', '--frozen-lockfile']);
    expect(install.code, install.out).toBe(0);

    // The documented one-package command builds what the package needs first (no dist/ here).
    const oneCommand = documented("one package's tests").replace(
      '@shipshape/health',
      '@shipshape/contracts',
    );
    expect(oneCommand).toBe('pnpm turbo run test --filter=@shipshape/contracts');
    const [tool, ...args] = oneCommand.split(' ');
    const tested = await run(tool!, args);
    expect(tested.code, tested.out).toBe(0);
    expect(tested.out).toMatch(/@shipshape\/contracts:test/);

    await run('git', ['branch', 'base']);
    await run('git', ['checkout', '--quiet', '-b', 'first-change']);
    appendFileSync(join(clone, 'packages/contracts/src/index.ts'), '\n// a first change\n');
    await run('git', ['commit', '--quiet', '-am', 'contracts: a first change']);
    const check = () => run(process.execPath, ['scripts/changeset-check.mjs', 'base']);
    const missing = await check();
    expect(missing.code).toBe(1);
    expect(missing.out).toContain('MISSING @shipshape/contracts');

    // Written by hand, in the format CONTRIBUTING.md shows.
    expect(readRepoFile('CONTRIBUTING.md')).toContain("'@shipshape/logger': patch");
    writeFileSync(
      join(clone, '.changeset/first-change.md'),
      "---\n'@shipshape/contracts': patch\n---\n\nA first change.\n",
    );
    const covered = await check();
    expect(covered.code, covered.out).toBe(0);
    await run('git', ['add', '.changeset/first-change.md']);
    await run('git', ['commit', '--quiet', '-m', 'changeset for the first change']);
    const status = await run('pnpm', ['changeset', 'status', '--since=base']);
    expect(status.code, status.out).toBe(0);
    expect(status.out).toMatch(/Packages to be bumped at patch:[\s\S]*@shipshape\/contracts/);
  }, 600_000);
});
