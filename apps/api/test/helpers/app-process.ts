import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, spawnNode } from '@shipshape/testkit';
import { sleep } from './ports.js';

export const APP_DIR = fileURLToPath(new URL('../..', import.meta.url));

export type LogLine = Record<string, unknown> & {
  message: string;
  level: string;
  timestamp: string;
};

export interface StartOptions {
  readonly env?: Readonly<Record<string, string>>;
  /** Load @shipshape/telemetry/register with --import (the production command line). */
  readonly telemetry?: boolean;
  /** Wait for /readyz to pass (default); false waits for /livez only. */
  readonly waitForReady?: boolean;
  readonly script?: string;
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface AppProcess {
  readonly url: string;
  readonly adminUrl: string;
  readonly env: Readonly<Record<string, string>>;
  readonly child: ChildProcess;
  readonly logs: LogLine[];
  readonly rawStdout: readonly string[];
  stderr(): string;
  readonly exited: Promise<Exit>;
  /** Sends the signal and waits for the exit (SIGKILL after `timeoutMs`). */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<Exit>;
}

/** A fresh SQLite file and a queue prefix nobody else uses. */
export function isolatedEnv(): Record<string, string> {
  // test/global-setup.ts provides the scratch directory and removes it after the run.
  const dir = mkdtempSync(join(process.env['API_TEST_SCRATCH'] ?? tmpdir(), 'app-'));
  return {
    DATABASE_FILE: join(dir, 'api.sqlite'),
    QUEUE_PREFIX: `apitest-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
  };
}

/** Spawns the BUILT app (`node dist/main.js`) on free ports and waits until it answers its probes. */
export async function startApp(options: StartOptions = {}): Promise<AppProcess> {
  const [port, adminPort] = [await freePort(), await freePort()];
  const env: Record<string, string> = {
    SERVER_HOST: '127.0.0.1',
    SERVER_PORT: String(port),
    ADMIN_HOST: '127.0.0.1',
    ADMIN_PORT: String(adminPort),
    LOG_LEVEL: 'info',
    LOG_FORMAT: 'json',
    ...options.env,
  };
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) =>
        !/^(OTEL_|DATABASE_|QUEUE_|SHUTDOWN_|SERVER_|ADMIN_|LOG_|KUBERNETES_|REDIS_|CONFIG_FILE)/.test(
          key,
        ),
    ),
  );
  const args = [
    ...(options.telemetry ? ['--import', '@shipshape/telemetry/register'] : []),
    options.script ?? 'dist/main.js',
  ];
  const proc = spawnNode(args, { cwd: APP_DIR, env: { ...inherited, ...env } });
  const { child } = proc;
  // Only code and signal: tests compare the whole exit value.
  const exitOf = ({ code, signal }: Exit): Exit => ({ code, signal });
  const exited = proc.exited.then(exitOf);
  const logs: LogLine[] = [];
  const rawStdout = proc.stdoutLines;
  proc.onStdoutLine((line) => {
    try {
      const parsed: unknown = JSON.parse(line);
      if (typeof parsed === 'object' && parsed !== null && 'message' in parsed)
        logs.push(parsed as LogLine);
    } catch {
      // not a log line (e.g. console span exporter output)
    }
  });

  const url = `http://127.0.0.1:${port}`;
  const adminUrl = `http://127.0.0.1:${adminPort}`;
  const app: AppProcess = {
    url,
    adminUrl,
    env,
    child,
    logs,
    rawStdout,
    stderr: () => proc.stderr(),
    exited,
    stop: (signal = 'SIGTERM', timeoutMs = 30_000) => proc.stop(signal, timeoutMs).then(exitOf),
  };
  const probe = `${adminUrl}${options.waitForReady === false ? '/livez' : '/readyz'}`;
  const deadline = Date.now() + 40_000;
  for (;;) {
    if (proc.hasExited()) {
      throw new Error(
        `app exited during start-up: ${JSON.stringify(await exited)}\nstderr: ${proc.stderr()}\nstdout: ${rawStdout.join('\n')}`,
      );
    }
    const ok = await fetch(probe).then(
      (res) => res.status === 200,
      () => false,
    );
    if (ok) return app;
    if (Date.now() > deadline) {
      await app.stop('SIGKILL');
      throw new Error(
        `app did not pass ${probe} within 40 s\nstderr: ${proc.stderr()}\nstdout: ${rawStdout.join('\n')}`,
      );
    }
    await sleep(100);
  }
}

/** Runs `node dist/migrate.js` with the given environment. */
export function runMigrate(
  env: Readonly<Record<string, string>>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(DATABASE_|LOG_|CONFIG_FILE)/.test(key)),
  );
  const proc = spawnNode(['dist/migrate.js'], { cwd: APP_DIR, env: { ...inherited, ...env } });
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), 60_000);
  return proc.exited.then(({ code }) => {
    clearTimeout(timer);
    return { code, stdout: proc.stdout(), stderr: proc.stderr() };
  });
}

/** The first log line matching `predicate`, waiting for stdout to catch up (bounded). */
export async function waitForLog(
  app: AppProcess,
  predicate: (line: LogLine) => boolean,
  timeoutMs = 5000,
): Promise<LogLine> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const line = app.logs.find(predicate);
    if (line) return line;
    if (Date.now() > deadline) throw new Error(`no matching log line within ${timeoutMs} ms`);
    await sleep(25);
  }
}
