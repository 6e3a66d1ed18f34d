import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { startApp, type AppProcess } from './processes.js';

export const WORKER_DIR = fileURLToPath(new URL('../../', import.meta.url));
export const API_DIR = fileURLToPath(new URL('../../../api/', import.meta.url));
const WORKER_MAIN = `${WORKER_DIR}dist/main.js`;
const API_MAIN = `${API_DIR}dist/main.js`;
const API_MIGRATE = `${API_DIR}dist/migrate.js`;

/**
 * The worker's tests run the BUILT API (its migrations and its HTTP surface). turbo builds it in
 * the full pipeline; when only this app is tested and the API's dist is missing, build it here.
 */
export function ensureApiBuilt(): void {
  if (existsSync(API_MAIN) && existsSync(API_MIGRATE)) return;
  const tsc = createRequire(`${API_DIR}package.json`).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', `${API_DIR}tsconfig.build.json`], {
    stdio: 'inherit',
  });
}

/** Runs the API's migration entry point (the worker never migrates) and returns its exit code. */
export function migrate(env: Record<string, string>): void {
  execFileSync(process.execPath, [API_MIGRATE], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: 'pipe',
    timeout: 30_000,
  });
}

export function startWorker(name: string, env: Record<string, string>): AppProcess {
  return startApp(
    name,
    ['--import', '@shipshape/telemetry/register', WORKER_MAIN],
    env,
    WORKER_DIR,
  );
}

export function startApi(name: string, env: Record<string, string>): AppProcess {
  return startApp(name, ['--import', '@shipshape/telemetry/register', API_MAIN], env, API_DIR);
}
