import type { ChildProcess } from 'node:child_process';
import { spawnNode } from '@shipshape/testkit';

// src/redis.test.ts imports freePort from here; src/ is not ours to edit, so it stays reachable.
export { freePort } from '@shipshape/testkit';

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns something other than undefined; fails naming `what` after `ms`. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  ms = 20_000,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + ms;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await delay(everyMs);
  }
  const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
  throw new Error(`timed out after ${ms} ms waiting for ${what}${why}`);
}

export interface AppProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** Every stdout line parsed as JSON (non-JSON lines are kept as `{ raw }`). */
  readonly lines: Record<string, unknown>[];
  readonly stderr: string[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  waitForLine(
    predicate: (line: Record<string, unknown>) => boolean,
    ms?: number,
  ): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

/** Starts a built Node entry point with `process.execPath`, capturing its JSON log lines. */
export function startApp(
  name: string,
  args: string[],
  env: Record<string, string>,
  cwd?: string,
): AppProcess {
  const proc = spawnNode(args, {
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', ...env },
    ...(cwd === undefined ? {} : { cwd }),
  });
  const lines: Record<string, unknown>[] = [];
  proc.onStdoutLine((part) => {
    if (part.trim() === '') return;
    try {
      lines.push(JSON.parse(part) as Record<string, unknown>);
    } catch {
      lines.push({ raw: part });
    }
  });
  return {
    name,
    child: proc.child,
    lines,
    get stderr() {
      return [proc.stderr()];
    },
    exited: proc.exited,
    waitForLine: (predicate, ms = 20_000) =>
      until(`${name} to log a matching line`, () => lines.find(predicate), ms, 50),
    async stop() {
      if (proc.hasExited()) return;
      await proc.stop('SIGTERM', 10_000);
    },
  };
}

/** GET a URL; resolves with status and parsed JSON (or text) body, never throws on HTTP status. */
export async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(3_000) });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // keep text
  }
  return { status: response.status, body };
}
