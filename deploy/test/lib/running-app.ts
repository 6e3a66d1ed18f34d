import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { repoDir } from './paths.js';

/** A built app started as operators start it: `node --import @shipshape/telemetry/register dist/main.js`. */
export interface RunningApp {
  readonly name: string;
  readonly child: ChildProcess;
  readonly output: () => string;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  readonly exited: Promise<number | string>;
}

export function startApp(app: 'api' | 'worker', env: Record<string, string>): RunningApp {
  const chunks: string[] = [];
  const child = spawn(
    process.execPath,
    ['--import', '@shipshape/telemetry/register', 'dist/main.js'],
    {
      cwd: join(repoDir, 'apps', app),
      // Only what the test decides, plus PATH: a DATABASE_URL or KUBERNETES_SERVICE_HOST in the
      // runner's environment must not change what is checked.
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
  return { name: app, child, output: () => chunks.join(''), exited };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

/** Polls `url` until it answers 200, the app exits, or `timeoutMs` passes (then throws with its log). */
export async function waitFor200(app: RunningApp, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | string | undefined;
  void app.exited.then((code) => (exitCode = code));
  while (Date.now() < deadline) {
    if (exitCode !== undefined) break;
    const status = await fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(
    `${app.name}: ${url} did not answer 200 within ${timeoutMs} ms${exitCode === undefined ? '' : ` (exited: ${exitCode})`}\n${app.output().slice(-4000)}`,
  );
}

/** SIGTERM, then the exit code and how long it took; SIGKILL after `timeoutMs` and throw. */
export async function stopApp(
  app: RunningApp,
  timeoutMs: number,
): Promise<{ code: number | string; elapsedMs: number }> {
  const started = Date.now();
  if (app.child.exitCode !== null || app.child.signalCode !== null)
    return { code: await app.exited, elapsedMs: 0 };
  app.child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>(
    (resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)),
  );
  const result = await Promise.race([app.exited, timeout]);
  clearTimeout(timer);
  if (result === 'timeout') {
    app.child.kill('SIGKILL');
    await app.exited;
    throw new Error(
      `${app.name} did not exit within ${timeoutMs} ms of SIGTERM\n${app.output().slice(-4000)}`,
    );
  }
  return { code: result, elapsedMs: Date.now() - started };
}
