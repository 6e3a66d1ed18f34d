import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { execFileAsync, repoRoot } from './repo.js';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

function fakeRepo(reports: Record<string, object>): string {
  const root = mkdtempSync(join(tmpdir(), 'count-tests-'));
  roots.push(root);
  for (const [workspace, report] of Object.entries(reports)) {
    mkdirSync(join(root, workspace), { recursive: true });
    writeFileSync(join(root, workspace, 'test-results.json'), JSON.stringify(report));
  }
  return root;
}

/** The script's last line and exit code; `output` is everything it printed. */
async function run(root: string): Promise<{ line: string; code: number; output: string }> {
  let output: string;
  let code = 0;
  try {
    ({ stdout: output } = await execFileAsync(process.execPath, [
      join(repoRoot, 'scripts/count-tests.mjs'),
      root,
    ]));
  } catch (error) {
    const failure = error as { stdout: string; code: number };
    output = failure.stdout;
    code = failure.code;
  }
  return { line: output.trim().split('\n').at(-1) ?? '', code, output };
}

async function count(root: string): Promise<{ line: string; code: number }> {
  const { line, code } = await run(root);
  return { line, code };
}

const report = (passed: number, failed: number, failedFiles = 0) => ({
  numPassedTests: passed,
  numFailedTests: failed,
  numFailedTestSuites: failedFiles,
});

describe('scripts/count-tests.mjs', () => {
  it('sums every workspace into one line and exits 0 when all passed', async () => {
    const root = fakeRepo({
      'packages/a': report(3, 0),
      'apps/b': report(2, 0),
      scripts: report(1, 0),
    });
    expect(await count(root)).toEqual({ line: '6 passed, 0 failed', code: 0 });
  });

  it('exits non-zero when a test failed', async () => {
    const root = fakeRepo({ 'packages/a': report(3, 1, 1), 'packages/b': report(2, 0) });
    expect(await count(root)).toEqual({ line: '5 passed, 1 failed', code: 1 });
  });

  it('counts a test file that failed to load as a failure', async () => {
    const root = fakeRepo({ 'packages/a': report(0, 0, 1), 'packages/b': report(2, 0) });
    expect(await count(root)).toEqual({ line: '2 passed, 1 failed', code: 1 });
  });

  it('repeats each failure, with the first lines of its message, above the final line', async () => {
    const root = fakeRepo({
      scripts: {
        ...report(1, 1, 2),
        testResults: [
          {
            name: '',
            status: 'failed',
            assertionResults: [
              { fullName: 'a suite works', status: 'passed', failureMessages: [] },
              {
                fullName: 'a suite breaks',
                status: 'failed',
                failureMessages: [
                  '\u001b[31mAssertionError: expected 1 to be 2\u001b[39m\n    at test.ts:3:1',
                ],
              },
            ],
          },
          {
            name: '',
            status: 'failed',
            message: 'Error: Cannot find module ./gone.js',
            assertionResults: [],
          },
        ],
      },
    });
    const { line, code, output } = await run(root);
    expect({ line, code }).toEqual({ line: '1 passed, 1 failed', code: 1 });
    const lines = output.trim().split('\n');
    expect(lines).toContain('FAIL scripts > a suite breaks');
    expect(lines).toContain('    AssertionError: expected 1 to be 2');
    expect(lines).toContain('FAIL scripts (the file failed to load or to finish)');
    expect(lines).toContain('    Error: Cannot find module ./gone.js');
    expect(output).not.toContain('a suite works');
  });

  it('prints nothing but the line when all passed', async () => {
    const root = fakeRepo({ scripts: { ...report(1, 0), testResults: [] } });
    expect((await run(root)).output).toBe('1 passed, 0 failed\n');
  });

  it('exits non-zero when no test ran', async () => {
    expect(await count(fakeRepo({}))).toEqual({ line: '0 passed, 0 failed', code: 1 });
  });
});
