import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pinned } from '../child.js';
import {
  AddonLedger,
  compileCacheShim,
  nativeAddons,
  underNode,
  type NodePair,
} from '../compare-node.js';
import { freePort } from '../free-port.js';
import { deleteQueueKeys } from '../queue-keys.js';
import { alternate, type CaseResult, type Contender } from '../rounds.js';
import type { BenchOptions } from '../options.js';
import { createScratchDatabase } from '../scratch-postgres.js';
import { NO_EXPORTER } from './telemetry.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
/** The apps' queue keys in the shared Redis, deleted after the case. */
const queuePrefix = `bench-startup-${process.pid}`;

/** How one contender starts an app. */
interface Start {
  readonly app: 'api' | 'worker';
  /** The Node.js binary; the runner's own by default. */
  readonly node?: string;
  /** PostgreSQL instead of the embedded SQLite file. */
  readonly databaseUrl?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly nodeArgs?: readonly string[];
}

async function readyAfterMs(
  start: Start,
  cpu: readonly string[],
): Promise<{ ms: number; addons: string[] }> {
  const { app } = start;
  const dataDir = mkdtempSync(join(tmpdir(), `shipshape-bench-startup-${app}-`));
  const adminPort = await freePort();
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DATABASE_URL: start.databaseUrl ?? '',
    DATABASE_FILE: join(dataDir, 'bench.sqlite'),
    SERVER_PORT: String(await freePort()),
    ADMIN_PORT: String(adminPort),
    QUEUE_PREFIX: queuePrefix,
    ...start.env,
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
  const [command, args] = pinned(cpu, [...(start.nodeArgs ?? []), 'dist/main.js'], start.node);
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
      if (ok) return { ms: performance.now() - started, addons: nativeAddons(child.pid ?? 0) };
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  } finally {
    child.kill('SIGTERM');
    if (child.exitCode === null) await once(child, 'exit');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function startupCase(options: BenchOptions): Promise<CaseResult> {
  const other = options.compareNode;
  const scratch =
    other === undefined ? undefined : await createScratchDatabase(options.postgresUrl, 'startup');
  try {
    const starts: [string, Start][] = [
      // `api` runs dist/main.js alone (its first import starts telemetry, off here); the preload
      // row adds `--import @shipshape/telemetry/register`, as the API's `pnpm start` runs it.
      ['api', { app: 'api', env: NO_EXPORTER }],
      [
        'api-preload-off',
        {
          app: 'api',
          env: NO_EXPORTER,
          nodeArgs: ['--import', '@shipshape/telemetry/register'],
        },
      ],
      ['worker', { app: 'worker' }],
    ];
    const nodePairs: NodePair[] = [];
    if (other !== undefined && scratch !== undefined) {
      // Under both Node.js versions: PostgreSQL, so no native addon is loaded (better-sqlite3 is
      // built for the runner's Node.js only), and the shim, which Node 20 needs to link the app.
      const postgres = {
        app: 'api',
        databaseUrl: scratch.url,
        nodeArgs: ['--require', compileCacheShim],
      } as const;
      const older = underNode('api-postgres', other);
      starts.push(
        ['api-postgres', postgres],
        [
          'api-postgres-no-compile-cache',
          { ...postgres, env: { NODE_DISABLE_COMPILE_CACHE: '1' } },
        ],
        [older, { ...postgres, node: other.path }],
      );
      nodePairs.push(
        { own: 'api-postgres', other: older },
        { own: 'api-postgres-no-compile-cache', other: older },
      );
    }
    const addons = new AddonLedger(nodePairs);
    const contenders: Contender[] = starts.map(([name, start]) => ({
      name,
      async measure() {
        const { ms, addons: loaded } = await readyAfterMs(start, options.pinning.server);
        addons.record(name, loaded);
        return { ready_after_ms: ms };
      },
    }));
    const result = await alternate(
      {
        case: 'startup',
        description:
          'process start to readiness 200, embedded SQLite database, local Redis, no OTEL_* exporter ' +
          'configured; `api-preload-off` is the API started with `--import @shipshape/telemetry/register` ' +
          '(telemetry off: the preload present, no exporter)' +
          (other === undefined
            ? ''
            : `; the api-postgres rows: the API on PostgreSQL (a scratch database, migrated before), ` +
              `preloaded with a shim that gives Node.js before 22.1 a no-op module.enableCompileCache ` +
              `(the app calls it first thing); on the runner's Node.js as shipped (compile cache on) and ` +
              `with NODE_DISABLE_COMPILE_CACHE=1`),
        baseline: 'api',
        ratioOf: { metric: 'ready_after_ms', better: 'lower' },
        units: { ready_after_ms: 'ms' },
        ...(nodePairs.length > 0 ? { nodePairs } : {}),
      },
      contenders,
      options,
    );
    return { ...result, nativeAddons: addons.byContender() };
  } finally {
    await scratch?.drop();
    await deleteQueueKeys(queuePrefix);
  }
}
