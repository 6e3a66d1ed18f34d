import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import {
  freePort,
  startPostgresCluster,
  startRedisServer,
  type PostgresCluster,
  type RedisServer,
} from '@shipshape/testkit';
import { deploymentEnvironment } from './environment.js';
import type { KubeObject } from './kustomize.js';
import { repoDir } from './paths.js';
import { startApp, stopApp, waitFor200, type RunningApp } from './running-app.js';
import { onlyContainer, workloads } from './workloads.js';

const run = promisify(execFile);

export type AppName = 'api' | 'worker';

/**
 * Both built apps, started as their Deployments start them (the rendered manifest's environment),
 * on a PostgreSQL cluster and a redis-server that belong to this stack alone, so a test may stop
 * them; migrated first by the migration Job's command. A "kubelet" polls each app's probes at the
 * manifest's periods, as in a cluster: the apps compute health checks (and their metrics) on
 * those requests.
 */
export interface LiveStack {
  readonly redis: RedisServer;
  readonly postgres: PostgresCluster;
  readonly apiUrl: string;
  readonly adminPorts: Readonly<Record<AppName, number>>;
  app(name: AppName): RunningApp;
  adminUrl(name: AppName, path: string): string;
  /** The environment the app runs with. */
  environment(name: AppName): Record<string, string>;
  /** (Re)starts an app that is not running, on the same ports, and waits for /readyz. */
  start(name: AppName): Promise<void>;
  /** SIGTERM; the exit code and how long it took. */
  stop(name: AppName, timeoutMs?: number): ReturnType<typeof stopApp>;
  /** SIGKILL, as the kernel's OOM killer or a lost node does it. */
  kill(name: AppName): Promise<void>;
  running(name: AppName): boolean;
  /** Stops everything this stack started. Safe to call twice. */
  destroy(): Promise<void>;
}

export interface LiveStackOptions {
  /** The rendered manifests the apps' environment comes from (overlays/prod). */
  readonly objects: KubeObject[];
  /** Settings added to each app's environment (test-only speed-ups, said where they are set). */
  readonly extraEnvironment: Readonly<Record<AppName, Readonly<Record<string, string>>>>;
}

interface Prober {
  stop(): Promise<void>;
}

/** Polls each probe path at its own period until stopped, as the kubelet does. */
function probe(
  adminUrl: () => string,
  probes: readonly { path: string; periodMs: number }[],
): Prober {
  const controller = new AbortController();
  const loops = probes.map(async ({ path, periodMs }) => {
    while (!controller.signal.aborted) {
      await fetch(`${adminUrl()}${path}`, { signal: AbortSignal.timeout(3_000) }).then(
        (r) => r.arrayBuffer(),
        () => undefined,
      );
      await sleep(periodMs, undefined, { signal: controller.signal }).catch(() => undefined);
    }
  });
  return {
    async stop() {
      controller.abort();
      await Promise.all(loops);
    },
  };
}

export async function startLiveStack(options: LiveStackOptions): Promise<LiveStack> {
  const redis = await startRedisServer();
  let postgres: PostgresCluster | undefined;
  const apps = new Map<AppName, RunningApp>();
  const probers = new Map<AppName, Prober>();
  const ports = {
    apiHttp: await freePort(),
    api: await freePort(),
    worker: await freePort(),
  };
  const adminUrl = (name: AppName, path: string): string =>
    `http://127.0.0.1:${ports[name]}${path}`;

  const destroy = async (): Promise<void> => {
    for (const prober of probers.values()) await prober.stop();
    probers.clear();
    for (const app of apps.values()) {
      if (app.child.exitCode === null && app.child.signalCode === null)
        await stopApp(app, 40_000).catch(() => undefined);
    }
    await postgres?.destroy();
    await redis.destroy();
  };

  try {
    postgres = await startPostgresCluster();
    const databaseUrl = `${postgres.serverUrl}/postgres`;
    const environment = (name: AppName): Record<string, string> => ({
      ...deploymentEnvironment(options.objects, name),
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      REDIS_URL: redis.url,
      GIT_COMMIT: 'live0123',
      // Loopback only: this machine is shared.
      ADMIN_HOST: '127.0.0.1',
      ADMIN_PORT: String(ports[name]),
      ...(name === 'api' ? { SERVER_HOST: '127.0.0.1', SERVER_PORT: String(ports.apiHttp) } : {}),
      ...options.extraEnvironment[name],
    });

    // The migration Job's command first, as a release runs it (PostgreSQL: the API does not
    // migrate at start-up).
    const job = workloads(options.objects).find((w) => w.name === 'shipshape-migrate');
    const [command, ...args] = (job && onlyContainer(job).args) ?? [];
    if (command !== 'node') throw new Error(`the migration Job runs "${command ?? ''}", not node`);
    await run(process.execPath, args, {
      cwd: join(repoDir, 'apps', 'api'),
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', DATABASE_URL: databaseUrl },
      timeout: 60_000,
    });

    const probePeriods = (name: AppName): { path: string; periodMs: number }[] => {
      const container = onlyContainer(
        workloads(options.objects).find((w) => w.name === `shipshape-${name}`)!,
      );
      return [container.readinessProbe, container.livenessProbe].flatMap((p) =>
        p?.httpGet?.path
          ? [{ path: p.httpGet.path, periodMs: (p.periodSeconds ?? 10) * 1_000 }]
          : [],
      );
    };

    const start = async (name: AppName): Promise<void> => {
      const current = apps.get(name);
      if (current && current.child.exitCode === null && current.child.signalCode === null)
        throw new Error(`${name} is already running`);
      const app = startApp(name, environment(name));
      apps.set(name, app);
      await waitFor200(app, adminUrl(name, '/readyz'), 60_000);
      if (!probers.has(name))
        probers.set(
          name,
          probe(() => adminUrl(name, ''), probePeriods(name)),
        );
    };

    await Promise.all([start('api'), start('worker')]);

    const stack: LiveStack = {
      redis,
      postgres,
      apiUrl: `http://127.0.0.1:${ports.apiHttp}`,
      adminPorts: { api: ports.api, worker: ports.worker },
      app(name) {
        const app = apps.get(name);
        if (!app) throw new Error(`${name} was never started`);
        return app;
      },
      adminUrl,
      environment,
      start,
      stop: (name, timeoutMs = 40_000) => stopApp(stack.app(name), timeoutMs),
      async kill(name) {
        const app = stack.app(name);
        app.child.kill('SIGKILL');
        await app.exited;
      },
      running(name) {
        const app = apps.get(name);
        return app !== undefined && app.child.exitCode === null && app.child.signalCode === null;
      },
      destroy,
    };
    return stack;
  } catch (error) {
    const logs = [...apps.values()].map((a) => `--- ${a.name}\n${a.output().slice(-3_000)}`);
    await destroy();
    throw new Error(
      `the live stack did not start: ${(error as Error).message}\n${logs.join('\n')}`,
      {
        cause: error,
      },
    );
  }
}
