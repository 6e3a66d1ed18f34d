import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appConfigRows, appDefaults, type App } from './lib/app-config.js';
import { loadCompose } from './lib/compose.js';
import { parseDockerfile, readDockerfile } from './lib/dockerfile.js';
import { containerEnvironment } from './lib/environment.js';
import { render } from './lib/kustomize.js';
import { overlays, repoDir } from './lib/paths.js';
import { envValue, onlyContainer, workloads } from './lib/workloads.js';

/**
 * Names read by Node.js itself, or by the OpenTelemetry preload (@shipshape/telemetry reads the
 * standard OTEL_* variables its README lists), rather than by the apps' configuration schema.
 * Anything else a manifest sets must be a schema variable (or its _FILE form): a typo would be
 * silently ignored.
 */
const TELEMETRY_NAMES = [
  ...readFileSync(join(repoDir, 'packages/telemetry/README.md'), 'utf8').matchAll(
    /`(OTEL_[A-Z_]+)`/g,
  ),
].map((m) => m[1]!);
const RUNTIME_NAMES = new Set(['NODE_ENV', 'NODE_OPTIONS', ...TELEMETRY_NAMES]);

const rows = { api: await appConfigRows('api'), worker: await appConfigRows('worker') };
const defaults = { api: await appDefaults('api'), worker: await appDefaults('worker') };

function accepted(app: App): Set<string> {
  const names = rows[app].map((r) => r.env);
  return new Set([...names, ...names.map((n) => `${n}_FILE`), ...RUNTIME_NAMES]);
}

const workloadApps: Record<string, App> = {
  'shipshape-api': 'api',
  'shipshape-migrate': 'api',
  'shipshape-worker': 'worker',
};

describe('environment names match the apps’ configuration schemas (from their built dist)', () => {
  it('each app documents the variables the deployment files rely on', () => {
    for (const app of ['api', 'worker'] as const) {
      const names = accepted(app);
      for (const name of [
        'ADMIN_PORT',
        'LOG_LEVEL',
        'LOG_FORMAT',
        'DATABASE_URL',
        'DATABASE_FILE',
        'REDIS_URL',
      ]) {
        expect([...names], `${app}: ${name}`).toContain(name);
      }
      for (const name of [
        'SHUTDOWN_TIMEOUT',
        'SHUTDOWN_DRAIN_DELAY',
        'OTEL_EXPORTER_OTLP_ENDPOINT',
        'GIT_COMMIT',
      ]) {
        expect([...names], `${app}: ${name}`).toContain(name);
      }
    }
    expect([...accepted('api')]).toContain('SERVER_PORT');
    expect([...accepted('worker')]).toContain('WORKER_CONCURRENCY');
  });

  it.each(overlays)(
    'Kubernetes overlay %s: every variable a container gets is one its app reads',
    (overlay) => {
      const objects = render(`overlays/${overlay}`);
      for (const workload of workloads(objects)) {
        const app = workloadApps[workload.name];
        expect(app, workload.name).toBeDefined();
        const names = accepted(app!);
        for (const name of containerEnvironment(onlyContainer(workload), objects).keys()) {
          expect([...names], `${workload.name}: ${name}`).toContain(name);
        }
      }
    },
  );

  it.each(overlays)(
    'Kubernetes overlay %s: container ports are the apps’ default ports',
    (overlay) => {
      for (const workload of workloads(render(`overlays/${overlay}`)).filter(
        (w) => w.kind === 'Deployment',
      )) {
        const app = workloadApps[workload.name]!;
        const container = onlyContainer(workload);
        for (const name of app === 'api' ? ['SERVER_PORT', 'ADMIN_PORT'] : ['ADMIN_PORT']) {
          // Same value as the default, so the image's HEALTHCHECK fallback and docs stay right.
          expect(envValue(container, name), `${workload.name}: ${name}`).toBe(
            defaults[app].get(name),
          );
        }
      }
    },
  );

  it('compose: every variable of the api, worker and migrate services is one its app reads', () => {
    const { services } = loadCompose();
    for (const [service, app] of [
      ['api', 'api'],
      ['migrate', 'api'],
      ['worker', 'worker'],
    ] as const) {
      const names = accepted(app);
      for (const name of Object.keys(services[service]?.environment ?? {})) {
        expect([...names], `${service}: ${name}`).toContain(name);
      }
    }
    expect(String(services.api?.environment?.SERVER_PORT)).toBe(defaults.api.get('SERVER_PORT'));
    expect(String(services.api?.environment?.ADMIN_PORT)).toBe(defaults.api.get('ADMIN_PORT'));
    expect(String(services.worker?.environment?.ADMIN_PORT)).toBe(
      defaults.worker.get('ADMIN_PORT'),
    );
  });

  it('Dockerfile: the variables baked into each image are ones its app reads', () => {
    const stages = parseDockerfile(readDockerfile());
    for (const app of ['api', 'worker'] as const) {
      const stage = stages.find((s) => s.name === app)!;
      const runtime = stages.find((s) => s.name === stage.from)!;
      const env = [...runtime.instructions, ...stage.instructions]
        .filter((i) => i.keyword === 'ENV')
        .flatMap((i) => [...i.args.matchAll(/([A-Z][A-Z0-9_]*)=/g)].map((m) => m[1]!));
      expect(env.length).toBeGreaterThan(0);
      for (const name of env) expect([...accepted(app)], `${app}: ${name}`).toContain(name);
      const expose = stage.instructions
        .find((i) => i.keyword === 'EXPOSE')
        ?.args.split(' ')
        .sort();
      const ports = (app === 'api' ? ['SERVER_PORT', 'ADMIN_PORT'] : ['ADMIN_PORT']).map((n) =>
        defaults[app].get(n)!,
      );
      expect(expose).toEqual(ports.sort());
    }
  });
});
