import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';

/** Options for {@link spawnNode}; every field is optional. */
export interface NodeProcessOptions {
  /** The child's whole environment (default: this process's environment). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The child's working directory (default: this process's). */
  readonly cwd?: string;
}

export const NODE_PROCESS_DEFAULTS = {
  stopSignal: 'SIGTERM',
  killAfterMs: 10_000,
} as const;

export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Wall-clock time (Date.now()) at which the exit was seen. */
  readonly at: number;
}

/** A Node child process whose output is captured while it runs. */
export interface NodeProcess {
  readonly child: ChildProcessByStdio<null, Readable, Readable>;
  /** Every complete stdout line, as written (empty lines included), in order. */
  readonly stdoutLines: readonly string[];
  /** All stdout / stderr text so far. */
  stdout(): string;
  stderr(): string;
  /** Calls `listener` with each complete stdout line from now on. */
  onStdoutLine(listener: (line: string) => void): void;
  readonly exited: Promise<ProcessExit>;
  hasExited(): boolean;
  /** Sends `signal` (if still running) and waits for the exit; SIGKILL after `killAfterMs`. */
  stop(signal?: NodeJS.Signals, killAfterMs?: number): Promise<ProcessExit>;
}

/** Spawns `process.execPath` with `args` (stdin ignored), capturing stdout by line and stderr as text. */
export function spawnNode(args: readonly string[], options: NodeProcessOptions = {}): NodeProcess {
  const child = spawn(process.execPath, args, {
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
  });
  const stdoutLines: string[] = [];
  const listeners: ((line: string) => void)[] = [];
  let stdout = '';
  let stderr = '';
  let pending = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      stdoutLines.push(line);
      for (const listener of listeners) listener(line);
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  let done = false;
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('exit', (code, signal) => {
      done = true;
      resolve({ code, signal, at: Date.now() });
    });
  });
  return {
    child,
    stdoutLines,
    stdout: () => stdout,
    stderr: () => stderr,
    onStdoutLine(listener) {
      listeners.push(listener);
    },
    exited,
    hasExited: () => done,
    async stop(
      signal: NodeJS.Signals = NODE_PROCESS_DEFAULTS.stopSignal,
      killAfterMs: number = NODE_PROCESS_DEFAULTS.killAfterMs,
    ) {
      if (!done) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
