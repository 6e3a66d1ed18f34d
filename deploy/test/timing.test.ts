import { describe, expect, it } from 'vitest';
import { loadCompose } from './lib/compose.js';
import { parseDurationMs } from './lib/duration.js';
import { containerEnvironment } from './lib/environment.js';
import { render } from './lib/kustomize.js';
import { overlays } from './lib/paths.js';
import { appDefaults } from './lib/app-config.js';
import { onlyContainer, workloads } from './lib/workloads.js';

/** Time the process needs after its last shutdown hook: final log flush, telemetry flush, exit. */
const MARGIN_MS = 5_000;

interface ServiceSpec {
  selector?: Record<string, string>;
  ports: { name: string }[];
}

const defaults = { api: await appDefaults('api'), worker: await appDefaults('worker') };

function setting(environment: Map<string, string>, app: 'api' | 'worker', name: string): number {
  const value = environment.get(name) ?? defaults[app].get(name);
  if (value === undefined)
    throw new Error(`${name} is neither set for the ${app} nor has a default in its schema`);
  return parseDurationMs(value);
}

describe.each(overlays)('shutdown timing in overlay %s', (overlay) => {
  const objects = render(`overlays/${overlay}`);
  const apps = [
    ['api', 'shipshape-api'],
    ['worker', 'shipshape-worker'],
  ] as const;

  it.each(apps)(
    '%s: terminationGracePeriodSeconds > drain delay + shutdown timeout + margin',
    (app, name) => {
      const workload = workloads(objects).find((w) => w.name === name)!;
      const environment = containerEnvironment(onlyContainer(workload), objects);
      const budgetMs =
        setting(environment, app, 'SHUTDOWN_DRAIN_DELAY') +
        setting(environment, app, 'SHUTDOWN_TIMEOUT');
      const graceMs = (workload.pod.terminationGracePeriodSeconds ?? 30) * 1_000;
      expect(
        graceMs,
        `${name}: the kubelet would SIGKILL before the app's own deadline`,
      ).toBeGreaterThanOrEqual(budgetMs + MARGIN_MS);
    },
  );

  it.each(apps)(
    '%s: SHUTDOWN_GRACE_PERIOD is set to terminationGracePeriodSeconds (the app checks its budget against it)',
    (app, name) => {
      const workload = workloads(objects).find((w) => w.name === name)!;
      const environment = containerEnvironment(onlyContainer(workload), objects);
      const declared = environment.get('SHUTDOWN_GRACE_PERIOD');
      expect(
        declared,
        `${name}: SHUTDOWN_GRACE_PERIOD is not set (the default is a guess)`,
      ).toBeDefined();
      expect(parseDurationMs(declared!), name).toBe(
        (workload.pod.terminationGracePeriodSeconds ?? 30) * 1_000,
      );
      // And what the app is told leaves room for its own budget (its configuration rule).
      expect(setting(environment, app, 'SHUTDOWN_TIMEOUT'), name).toBeLessThan(
        parseDurationMs(declared!),
      );
    },
  );

  it.each(apps)(
    '%s: drain delay ≥ readiness period × failure threshold when a Service routes traffic to it',
    (app, name) => {
      const workload = workloads(objects).find((w) => w.name === name)!;
      const container = onlyContainer(workload);
      const routed = objects.some((o) => {
        if (o.kind !== 'Service') return false;
        const spec = o.spec as ServiceSpec;
        const selects = Object.entries(spec.selector ?? {}).every(
          ([k, v]) => workload.podLabels[k] === v,
        );
        return selects && spec.ports.some((p) => p.name !== 'admin');
      });
      const drainMs = setting(
        containerEnvironment(container, objects),
        app,
        'SHUTDOWN_DRAIN_DELAY',
      );
      const probe = container.readinessProbe;
      const detectionMs = (probe?.periodSeconds ?? 10) * (probe?.failureThreshold ?? 3) * 1_000;
      if (routed) {
        expect(
          drainMs,
          `${name}: the listener would close while endpoints still route to it`,
        ).toBeGreaterThanOrEqual(detectionMs);
      } else {
        // Nothing routes requests to it: no drain needed, and a delay would only slow rollouts.
        expect(drainMs, name).toBe(0);
      }
      expect(routed).toBe(app === 'api');
    },
  );
});

describe('shutdown timing in docker/compose.yaml', () => {
  it.each(['api', 'worker'] as const)(
    '%s: stop_grace_period > drain delay + shutdown timeout + margin',
    (app) => {
      const service = loadCompose().services[app]!;
      const environment = new Map(
        Object.entries(service.environment ?? {}).map(([k, v]) => [k, String(v)]),
      );
      const budgetMs =
        setting(environment, app, 'SHUTDOWN_DRAIN_DELAY') +
        setting(environment, app, 'SHUTDOWN_TIMEOUT');
      expect(parseDurationMs(service.stop_grace_period ?? '10s')).toBeGreaterThanOrEqual(
        budgetMs + MARGIN_MS,
      );
    },
  );

  it.each(['api', 'worker'] as const)(
    '%s: SHUTDOWN_GRACE_PERIOD is set to stop_grace_period',
    (app) => {
      const service = loadCompose().services[app]!;
      const declared = service.environment?.SHUTDOWN_GRACE_PERIOD;
      expect(
        declared,
        `${app}: SHUTDOWN_GRACE_PERIOD is not set (the default is a guess)`,
      ).toBeDefined();
      expect(parseDurationMs(String(declared))).toBe(
        parseDurationMs(service.stop_grace_period ?? '10s'),
      );
    },
  );
});
