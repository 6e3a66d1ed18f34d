import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const fixture = (name: string): string =>
  fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'shipshape-logger-exit-path-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Runs a fixture to its end (killing it after 20 s, which fails the test). */
async function run(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const [code, signal] = await new Promise<[number | null, string | null]>((resolve) =>
    child.on('close', (exitCode, exitSignal) => resolve([exitCode, exitSignal])),
  );
  clearTimeout(timer);
  return { code, signal, stdout, stderr };
}

describe('transports on the exit path (real child processes)', () => {
  it('a transport that never calls back or throws costs at most its budget, is reported once, and the File has every line', async () => {
    const file = join(dir, 'app.log');
    const result = await run([fixture('stalled-transports.mjs'), file, '300']);
    expect(result.signal).toBeNull();
    expect(result.code).toBe(0);
    const { outcome, flush_ms } = JSON.parse(result.stdout) as {
      outcome: string;
      flush_ms: number;
    };
    expect(outcome).toMatch(
      /^rejected LOGGER_DESTINATION_FAILED: .*Stalled#1 made no progress for 300 ms/,
    );
    expect(outcome).toMatch(/Throwing#2 lost 1000 line\(s\)/);
    expect(flush_ms).toBeGreaterThanOrEqual(299);
    const reports = result.stderr.split('\n').filter(Boolean);
    expect(
      reports.map((line) => (JSON.parse(line) as { transport: string }).transport).sort(),
    ).toEqual(['Stalled#1', 'Throwing#2']);
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    expect(lines.map((line) => (JSON.parse(line) as { i: number }).i)).toEqual(
      Array.from({ length: 1000 }, (_, i) => i),
    );
  });

  it("winston's Console transport: every line on stdout after flush(), with context and redaction", async () => {
    const result = await run([fixture('console-transport.mjs'), '3000']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const lines = result.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(3000);
    for (const [i, line] of lines.entries()) {
      expect(line).toMatchObject({
        service: 'console-fixture',
        request_id: `r-${i}`,
        i,
        token: '[REDACTED]',
      });
    }
  });
});

describe('pretty output on a real terminal', () => {
  const hasScript = spawnSync('script', ['--version']).status === 0;

  it('colours on a terminal, not on a pipe, never with NO_COLOR; the service on every line', async () => {
    expect(hasScript, 'util-linux `script` provides the terminal for this test').toBe(true);
    const env = { ...process.env };
    delete env.NO_COLOR;
    delete env.FORCE_COLOR;
    const command = `${process.execPath} ${fixture('pretty-terminal.mjs')} worker`;
    const onTerminal = await run(
      [
        '-e',
        `require('child_process').execFileSync('script', ['-qec', ${JSON.stringify(command)}, '/dev/null'], { stdio: 'inherit' })`,
      ],
      env,
    );
    expect(onTerminal.code).toBe(0);
    expect(onTerminal.stdout).toContain(
      '\u001b[33mWARN \u001b[39m [worker] shutdown hook finished',
    );

    const noColor = await run(
      [
        '-e',
        `require('child_process').execFileSync('script', ['-qec', ${JSON.stringify(command)}, '/dev/null'], { stdio: 'inherit' })`,
      ],
      { ...env, NO_COLOR: '1' },
    );
    expect(noColor.stdout).toContain('WARN  [worker] shutdown hook finished');
    expect(noColor.stdout).not.toContain('\u001b[');

    const piped = await run([fixture('pretty-terminal.mjs'), 'worker'], env);
    expect(piped.stdout).not.toContain('\u001b[');
    const lines = piped.stdout.trimEnd().split('\n');
    expect(
      lines.filter((line) => /^\d\d:\d\d/.test(line)).every((line) => line.includes('[worker]')),
    ).toBe(true);
    expect(lines.slice(2)).toEqual([
      '    config:',
      '      server:',
      '        port: 3000',
      '        host: 127.0.0.1',
      '      log:',
      '        level: info',
      '        format: pretty',
    ]);
  });
});
