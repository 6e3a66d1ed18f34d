import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('./fixtures/pipe-flush.mjs', import.meta.url));

describe('flush() before process.exit on a stdout pipe', () => {
  it('delivers exactly 50,000 parseable lines even when the reader is slow to start', async () => {
    const child = spawn(process.execPath, [fixture, '50000'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Do not read for a while: the pipe fills up, stdout writes become asynchronous and queue.
    child.stdout.pause();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.resume();
    const code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error('fixture did not exit within 20 s'));
      }, 20_000);
      child.on('close', (exitCode) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
    });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = Buffer.concat(chunks).toString('utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(50_000);
    const seen = new Set<number>();
    for (const line of lines) {
      const parsed = JSON.parse(line) as { i: number; service: string };
      seen.add(parsed.i);
    }
    expect(seen.size).toBe(50_000);
  });
});
