import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pinned } from '../child.js';
import { freePort } from '../free-port.js';
import { alternate, type CaseResult, type Contender } from '../rounds.js';
import type { BenchOptions } from '../options.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

async function readyAfterMs(app: 'api' | 'worker', cpu: readonly string[]): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), `shipshape-bench-startup-${app}-`));
  const adminPort = await freePort();
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DATABASE_URL: '',
    DATABASE_FILE: join(dataDir, 'bench.sqlite'),
    SERVER_PORT: String(await freePort()),
    ADMIN_PORT: String(adminPort),
    QUEUE_PREFIX: `bench-startup-${process.pid}`,
  };
  const appDir = join(repoRoot, 'apps', app);
  if (app === 'worker') {
    // The worker needs the API's schema; the migration is not part of the worker's start-up.
    const migrate = spawn(process.execPath, [join(repoRoot, 'apps/api/dist/migrate.js')], {
      env,
      stdio: 'inherit',
    });
    const [code] = (await once(migrate, 'exit')) as [number | null];
    if (code !== 0) throw new Error(`migrate.js exited ${String(code)}`);
  }
  const started = performance.now();
  const [command, args] = pinned(cpu, ['dist/main.js']);
  const child = spawn(command, args, {
    cwd: appDir,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    for (;;) {
      if (child.exitCode !== null)
        throw new Error(`${app} exited ${child.exitCode} before it was ready`);
      if (performance.now() - started > 10_000) throw new Error(`${app} was not ready within 10 s`);
      const ok = await fetch(`http://127.0.0.1:${adminPort}/readyz`).then(
        (response) => response.status === 200,
        () => false,
      );
      if (ok) return performance.now() - started;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  } finally {
    child.kill('SIGTERM');
    if (child.exitCode === null) await once(child, 'exit');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function startupCase(options: BenchOptions): Promise<CaseResult> {
  const contenders: Contender[] = (['api', 'worker'] as const).map((app) => ({
    name: app,
    measure: async () => ({ ready_after_ms: await readyAfterMs(app, options.pinning.server) }),
  }));
  return alternate(
    {
      case: 'startup',
      description: 'process start to readiness 200, embedded SQLite database, local Redis',
      baseline: 'api',
      ratioOf: { metric: 'ready_after_ms', better: 'lower' },
      units: { ready_after_ms: 'ms' },
    },
    contenders,
    options,
  );
}
