import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface LogLine {
  readonly t: number;
  readonly level: string;
  readonly message: string;
  readonly [field: string]: unknown;
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Wall-clock time (Date.now()) at which the exit was seen. */
  readonly at: number;
}

export interface Fixture {
  readonly process: ChildProcess;
  readonly lines: LogLine[];
  readonly stderr: () => string;
  readonly exited: Promise<Exit>;
  waitForLine(predicate: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  kill(signal: NodeJS.Signals): number;
}

const distEntry = fileURLToPath(new URL('../dist/index.js', import.meta.url));

/** Spawns `test/fixtures/<name>` with `process.execPath`; every stdout line is a JSON log line. */
export function spawnFixture(name: string, env: Record<string, string> = {}): Fixture {
  if (!existsSync(distEntry))
    throw new Error(`${distEntry} is missing: run \`pnpm build\` before the tests`);
  const script = fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, ...env },
    stdio: 'pipe',
  });
  const lines: LogLine[] = [];
  const waiters = new Set<() => void>();
  let buffer = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffer += chunk;
    let index = buffer.indexOf('\n');
    while (index >= 0) {
      const raw = buffer.slice(0, index);
      buffer = buffer.slice(index + 1);
      if (raw.trim() !== '') lines.push(JSON.parse(raw) as LogLine);
      index = buffer.indexOf('\n');
    }
    for (const wake of waiters) wake();
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve({ code, signal, at: Date.now() });
      for (const wake of waiters) wake();
    });
  });
  const waitForLine = (predicate: (line: LogLine) => boolean, timeoutMs = 5000): Promise<LogLine> =>
    new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = lines.find(predicate);
        if (!found) return false;
        cleanup();
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(
            `no matching line within ${timeoutMs} ms; lines:\n${lines.map((l) => JSON.stringify(l)).join('\n')}\nstderr:\n${stderr}`,
          ),
        );
      }, timeoutMs);
      const wake = (): void => {
        check();
      };
      const cleanup = (): void => {
        clearTimeout(timer);
        waiters.delete(wake);
      };
      waiters.add(wake);
      check();
    });
  return {
    process: child,
    lines,
    stderr: () => stderr,
    exited,
    waitForLine,
    kill: (signal) => {
      const at = Date.now();
      child.kill(signal);
      return at;
    },
  };
}

/** Kills a fixture that is still running (test clean-up). */
export function reap(fixture: Fixture | undefined): void {
  if (fixture && fixture.process.exitCode === null && fixture.process.signalCode === null)
    fixture.process.kill('SIGKILL');
}

export function messages(fixture: Fixture): string[] {
  return fixture.lines.map((line) => line.message);
}
