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

async function count(root: string): Promise<{ line: string; code: number }> {
  try {
    const { stdout } = await execFileAsync(process.execPath, [
      join(repoRoot, 'scripts/count-tests.mjs'),
      root,
    ]);
    return { line: stdout.trim(), code: 0 };
  } catch (error) {
    const failure = error as { stdout: string; code: number };
    return { line: failure.stdout.trim(), code: failure.code };
  }
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

  it('exits non-zero when no test ran', async () => {
    expect(await count(fakeRepo({}))).toEqual({ line: '0 passed, 0 failed', code: 1 });
  });
});
