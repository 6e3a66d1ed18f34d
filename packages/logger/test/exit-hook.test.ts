import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('./fixtures/exit-without-flush.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'shipshape-logger-exit-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('process exit without flush()', () => {
  it('writes the lines still buffered for a file synchronously at exit', () => {
    const file = join(dir, 'app.log');
    const run = spawnSync(process.execPath, [fixture, file], { encoding: 'utf8', timeout: 15_000 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as { i: number }).i)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
  });
});
