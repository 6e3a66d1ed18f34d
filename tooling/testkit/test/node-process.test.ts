import { describe, expect, it } from 'vitest';
import { spawnNode } from '../src/index.js';

const PRINTS_AND_WAITS = `
process.stdout.write('{"message":"one"}\\n\\nplain te');
setTimeout(() => process.stdout.write('xt\\n'), 50);
process.stderr.write('to stderr');
process.on('SIGTERM', () => { console.log('bye'); process.exit(3); });
setInterval(() => undefined, 1000);
`;

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${String(timeoutMs)} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('spawnNode', () => {
  it('captures stdout by line (split chunks joined), stderr as text, and stops with SIGTERM', async () => {
    const seen: string[] = [];
    const child = spawnNode(['-e', PRINTS_AND_WAITS], { env: { PATH: process.env['PATH'] ?? '' } });
    child.onStdoutLine((line) => seen.push(line));
    await until(() => child.stdoutLines.length >= 3 && child.stderr() === 'to stderr');
    expect(child.stdoutLines).toEqual(['{"message":"one"}', '', 'plain text']);
    expect(seen).toEqual(['{"message":"one"}', '', 'plain text']);
    expect(child.hasExited()).toBe(false);
    const exit = await child.stop();
    expect(exit).toMatchObject({ code: 3, signal: null });
    expect(child.hasExited()).toBe(true);
    expect(child.stdout()).toBe('{"message":"one"}\n\nplain text\nbye\n');
  });

  it('SIGKILLs a child that ignores the stop signal after killAfterMs', async () => {
    const child = spawnNode([
      '-e',
      "process.on('SIGTERM', () => undefined); console.log('up'); setInterval(() => undefined, 1000);",
    ]);
    await until(() => child.stdoutLines.includes('up'));
    const started = Date.now();
    const exit = await child.stop('SIGTERM', 300);
    expect(exit.signal).toBe('SIGKILL');
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('runs in the given cwd and reports the exit code of a finished child', async () => {
    const child = spawnNode(['-e', 'console.log(process.cwd()); process.exit(7)'], { cwd: '/tmp' });
    const exit = await child.exited;
    expect(exit.code).toBe(7);
    expect(child.stdoutLines[0]).toBe('/tmp');
    expect(await child.stop()).toBe(exit);
  });
});
