import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { scaledObjectProblems } from './lib/keda.js';
import { find, render, type KubeObject } from './lib/kustomize.js';
import { validateObject } from './lib/models.js';
import { overlays } from './lib/paths.js';
import { metricNames, selectors } from './lib/promql.js';
import { promtool } from './lib/promtool.js';
import { allRules } from './lib/rules.js';
import {
  containerPort,
  envValue,
  onlyContainer,
  quantityBytes,
  workloads,
} from './lib/workloads.js';

interface ServiceSpec {
  selector?: Record<string, string>;
  ports: { name: string; port: number; targetPort?: string | number }[];
}
interface NetworkPolicySpec {
  podSelector: { matchLabels?: Record<string, string> };
  ingress?: {
    from?: {
      namespaceSelector?: { matchLabels?: Record<string, string> };
      podSelector?: unknown;
    }[];
    ports?: { port: string | number }[];
  }[];
}
interface SelectorSpec {
  selector: { matchLabels?: Record<string, string> };
}

function matches(
  selector: Record<string, string> | undefined,
  labels: Record<string, string>,
): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

describe.each(overlays)('overlay %s', (overlay) => {
  const objects = render(`overlays/${overlay}`);

  it('renders the objects an operator expects, and each validates against its schema', () => {
    const kinds = objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();
    expect(kinds).toEqual(
      expect.arrayContaining([
        'Deployment/shipshape-api',
        'Deployment/shipshape-worker',
        'Job/shipshape-migrate',
        'HorizontalPodAutoscaler/shipshape-api',
        'PodDisruptionBudget/shipshape-api',
        'PodDisruptionBudget/shipshape-worker',
        'Service/shipshape-api',
        'Service/shipshape-worker',
        'ServiceAccount/shipshape',
        'NetworkPolicy/shipshape-api',
        'NetworkPolicy/shipshape-worker',
        'ServiceMonitor/shipshape',
        'PrometheusRule/shipshape',
      ]),
    );
    expect(kinds.some((k) => k.startsWith('ConfigMap/shipshape-config-'))).toBe(true);
    for (const object of objects) validateObject(object);
  });

  it('puts every namespaced object in the overlay namespace', () => {
    const namespace = find(
      objects,
      'Namespace',
      overlay === 'prod' ? 'shipshape' : 'shipshape-dev',
    );
    for (const object of objects.filter((o) => o.kind !== 'Namespace')) {
      expect(object.metadata.namespace, `${object.kind}/${object.metadata.name}`).toBe(
        namespace.metadata.name,
      );
    }
    expect(namespace.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  it('replaces the base image names with the overlay registry and a fixed tag', () => {
    for (const workload of workloads(objects)) {
      const image = onlyContainer(workload).image ?? '';
      expect(image, workload.name).toMatch(/^[a-z0-9.:-]+\/[a-z0-9/._-]+:[A-Za-z0-9._-]+$/);
      expect(image, workload.name).not.toMatch(/:latest$/);
    }
  });

  it('hardens every pod: non-root, read-only root, no escalation, no capabilities, RuntimeDefault seccomp, no token', () => {
    for (const { name, pod } of workloads(objects)) {
      expect(pod.securityContext?.runAsNonRoot, name).toBe(true);
      expect(pod.securityContext?.runAsUser, name).toBeGreaterThan(0);
      expect(pod.securityContext?.seccompProfile?.type, name).toBe('RuntimeDefault');
      expect(pod.automountServiceAccountToken, name).toBe(false);
      expect(pod.serviceAccountName, name).toBe('shipshape');
      for (const container of pod.containers) {
        expect(container.securityContext?.allowPrivilegeEscalation, name).toBe(false);
        expect(container.securityContext?.readOnlyRootFilesystem, name).toBe(true);
        expect(container.securityContext?.capabilities?.drop, name).toEqual(['ALL']);
        // A read-only root needs a writable /tmp for Node and its libraries.
        const tmp = container.volumeMounts?.find((m) => m.mountPath === '/tmp');
        const volume = pod.volumes?.find((v) => v.name === tmp?.name);
        expect(volume?.emptyDir, `${name}: /tmp must be an emptyDir`).toBeDefined();
      }
    }
  });

  it('sizes memory with a limit and a V8 heap cap below it, requests CPU and sets no CPU limit', () => {
    for (const workload of workloads(objects)) {
      const container = onlyContainer(workload);
      const { requests, limits } = container.resources ?? {};
      expect(requests?.cpu, workload.name).toBeDefined();
      expect(requests?.memory, workload.name).toBeDefined();
      expect(limits?.cpu, `${workload.name} must have no CPU limit`).toBeUndefined();
      const limitBytes = quantityBytes(limits?.memory ?? Number.NaN);
      const requestBytes = quantityBytes(requests?.memory ?? Number.NaN);
      expect(requestBytes, workload.name).toBeLessThanOrEqual(limitBytes);
      const heap = /--max-old-space-size=(\d+)/.exec(envValue(container, 'NODE_OPTIONS') ?? '');
      expect(heap, `${workload.name}: NODE_OPTIONS must cap the heap`).not.toBeNull();
      const heapBytes = Number(heap?.[1]) * 2 ** 20;
      // Old space between half and 80 % of the limit: room for young space, code and native memory.
      expect(heapBytes / limitBytes, workload.name).toBeGreaterThanOrEqual(0.5);
      expect(heapBytes / limitBytes, workload.name).toBeLessThanOrEqual(0.8);
    }
  });

  it('reads secrets from mounted files (NAME_FILE), never from literal environment values', () => {
    for (const workload of workloads(objects)) {
      const container = onlyContainer(workload);
      const mount = container.volumeMounts?.find((m) => m.name === 'secrets');
      expect(mount?.readOnly, workload.name).toBe(true);
      const volume = workload.pod.volumes?.find((v) => v.name === 'secrets');
      expect(volume?.secret?.secretName, workload.name).toMatch(/^shipshape-secrets/);
      expect(volume?.secret?.defaultMode, workload.name).toBe(0o440);
      for (const variable of container.env ?? []) {
        expect(variable.name, workload.name).not.toMatch(/^(DATABASE_URL|REDIS_URL)$/);
        if (variable.name.endsWith('_FILE'))
          expect(variable.value?.startsWith(`${mount?.mountPath ?? '?'}/`)).toBe(true);
        expect(variable.value ?? '', `${workload.name} ${variable.name}`).not.toMatch(
          /:\/\/[^/\s]*:[^@/\s]*@/,
        );
      }
    }
  });

  it('references only ConfigMaps and Secrets that exist (or, in prod, the documented external Secret)', () => {
    const names = new Set(objects.map((o) => `${o.kind}/${o.metadata.name}`));
    for (const { name, pod } of workloads(objects)) {
      for (const container of pod.containers) {
        for (const source of container.envFrom ?? []) {
          expect(names.has(`ConfigMap/${source.configMapRef?.name ?? '?'}`), name).toBe(true);
        }
      }
      for (const volume of pod.volumes ?? []) {
        if (!volume.secret) continue;
        const secretName = volume.secret.secretName ?? '?';
        if (overlay === 'prod') expect(secretName, name).toBe('shipshape-secrets');
        else expect(names.has(`Secret/${secretName}`), name).toBe(true);
      }
    }
  });

  it('probes every long-running container on its admin port: startup, readiness (short), liveness (lenient)', () => {
    for (const workload of workloads(objects).filter((w) => w.kind === 'Deployment')) {
      const container = onlyContainer(workload);
      const adminPort = Number(envValue(container, 'ADMIN_PORT'));
      expect(containerPort(container, 'admin'), workload.name).toBe(adminPort);
      const { startupProbe, readinessProbe, livenessProbe } = container;
      expect(startupProbe?.httpGet?.path, workload.name).toBe('/startupz');
      expect(readinessProbe?.httpGet?.path, workload.name).toBe('/readyz');
      expect(livenessProbe?.httpGet?.path, workload.name).toBe('/livez');
      for (const probe of [startupProbe, readinessProbe, livenessProbe])
        expect(probe?.httpGet?.port).toBe('admin');
      const period = (p: typeof readinessProbe) =>
        (p?.periodSeconds ?? 10) * (p?.failureThreshold ?? 3);
      // Liveness tolerates far longer than readiness: a restart is the last resort.
      expect(period(livenessProbe), workload.name).toBeGreaterThanOrEqual(
        4 * period(readinessProbe),
      );
      expect(readinessProbe?.periodSeconds, workload.name).toBeLessThanOrEqual(5);
      // The startup budget covers a slow start before liveness may kill anything.
      expect(period(startupProbe), workload.name).toBeGreaterThanOrEqual(60);
    }
  });

  it('sets ADMIN_HOST=0.0.0.0 on both Deployments: the apps default to loopback, which the kubelet and Prometheus cannot reach', () => {
    const deployments = workloads(objects).filter((w) => w.kind === 'Deployment');
    expect(deployments.map((w) => w.name).sort()).toEqual(['shipshape-api', 'shipshape-worker']);
    for (const workload of deployments) {
      expect(envValue(onlyContainer(workload), 'ADMIN_HOST'), workload.name).toBe('0.0.0.0');
    }
  });

  it('routes each Service port to a named container port of the pods it selects', () => {
    for (const service of objects.filter((o) => o.kind === 'Service')) {
      const spec = service.spec as ServiceSpec;
      const pods = workloads(objects).filter(
        (w) => w.kind === 'Deployment' && matches(spec.selector, w.podLabels),
      );
      expect(pods.length, service.metadata.name).toBe(1);
      for (const port of spec.ports) {
        const container = onlyContainer(pods[0]!);
        expect(
          containerPort(container, port.targetPort ?? port.port),
          `${service.metadata.name}:${port.name}`,
        ).toBeDefined();
      }
    }
  });

  it('opens admin ports only to the monitoring namespace, the public port to the cluster', () => {
    for (const workload of workloads(objects)) {
      const policies = objects.filter(
        (o) =>
          o.kind === 'NetworkPolicy' &&
          matches((o.spec as NetworkPolicySpec).podSelector.matchLabels, workload.podLabels),
      );
      expect(policies.length, workload.name).toBe(1);
      const spec = policies[0]!.spec as NetworkPolicySpec;
      for (const rule of spec.ingress ?? []) {
        for (const port of rule.ports ?? []) {
          if (port.port !== 'admin') {
            expect(port.port, workload.name).toBe('http');
            continue;
          }
          expect(rule.from, `${workload.name}: admin ingress must name its sources`).toEqual([
            { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } },
          ]);
        }
        expect(rule.ports, `${workload.name}: every ingress rule names its ports`).toBeDefined();
      }
    }
  });

  it('covers both Deployments with a PodDisruptionBudget and scales the API with an HPA it owns', () => {
    for (const name of ['shipshape-api', 'shipshape-worker']) {
      const pdb = find(objects, 'PodDisruptionBudget', name).spec as SelectorSpec & {
        maxUnavailable?: number;
      };
      const workload = workloads(objects).find((w) => w.name === name)!;
      expect(matches(pdb.selector.matchLabels, workload.podLabels), name).toBe(true);
      expect(pdb.maxUnavailable).toBe(1);
    }
    const hpa = find(objects, 'HorizontalPodAutoscaler', 'shipshape-api').spec as {
      scaleTargetRef: { kind: string; name: string };
      minReplicas: number;
      maxReplicas: number;
    };
    expect(hpa.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: 'shipshape-api' });
    expect(hpa.minReplicas).toBeLessThanOrEqual(hpa.maxReplicas);
    // The HPA owns the count: a replicas field in the Deployment would reset it on every apply.
    expect(
      (find(objects, 'Deployment', 'shipshape-api').spec as { replicas?: number }).replicas,
    ).toBeUndefined();
  });

  it('scrapes the admin port of both Services through the ServiceMonitor', () => {
    const monitor = find(objects, 'ServiceMonitor', 'shipshape').spec as {
      selector: { matchExpressions: { key: string; values: string[] }[] };
      endpoints: { port: string; path: string; honorLabels: boolean }[];
    };
    const selected = monitor.selector.matchExpressions[0]!.values;
    for (const service of objects.filter((o) => o.kind === 'Service')) {
      expect(selected).toContain(service.metadata.labels?.['app.kubernetes.io/name']);
      expect((service.spec as ServiceSpec).ports.map((p) => p.name)).toContain(
        monitor.endpoints[0]!.port,
      );
    }
    expect(monitor.endpoints[0]).toMatchObject({
      port: 'admin',
      path: '/metrics',
      honorLabels: true,
    });
  });
});

describe('the two-step apply in the README', () => {
  it("-l 'app.kubernetes.io/component notin (api,worker)' selects what the migration needs and no app", () => {
    const first = render('overlays/prod')
      .filter(
        (o) =>
          !['api', 'worker'].includes(o.metadata.labels?.['app.kubernetes.io/component'] ?? ''),
      )
      .map((o) => o.kind);
    expect(first).toEqual(
      expect.arrayContaining(['Namespace', 'ServiceAccount', 'ConfigMap', 'Job']),
    );
    expect(first).not.toContain('Deployment');
    expect(first).not.toContain('HorizontalPodAutoscaler');
  });
});

describe('the prod Secret example', () => {
  it('is a valid Secret with the keys the pods read, and only placeholder values', async () => {
    const { readFileSync } = await import('node:fs');
    const { parseYamlStream } = await import('./lib/kustomize.js');
    const { kubernetesDir } = await import('./lib/paths.js');
    const [secret] = parseYamlStream(
      readFileSync(`${kubernetesDir}overlays/prod/secret.example.yaml`, 'utf8'),
    );
    validateObject(secret!);
    const data = (secret as unknown as { stringData: Record<string, string> }).stringData;
    expect(Object.keys(data).sort()).toEqual(['database-url', 'redis-url']);
    for (const value of Object.values(data)) expect(value).toContain('CHANGE-ME');
    const files = workloads(render('overlays/prod')).flatMap(
      (w) =>
        onlyContainer(w)
          .env?.filter((e) => e.name.endsWith('_FILE'))
          .map((e) => e.value?.split('/').pop()) ?? [],
    );
    for (const file of files) expect(Object.keys(data)).toContain(file);
  });
});

/** `.spec` of the keda component's ScaledObject, as the checks below read it. */
interface ScaledObjectSpec {
  scaleTargetRef: { apiVersion: string; kind: string; name: string };
  minReplicaCount: number;
  maxReplicaCount: number;
  pollingInterval: number;
  fallback: { replicas: number };
  advanced: {
    horizontalPodAutoscalerConfig: {
      behavior: {
        scaleDown: {
          stabilizationWindowSeconds: number;
          policies: { type: string; value: number; periodSeconds: number }[];
        };
      };
    };
  };
  triggers: { type: string; metadata: Record<string, string> }[];
}

describe('the keda component, as overlays/prod-keda applies it', () => {
  const objects = render('overlays/prod-keda');
  const prod = render('overlays/prod');
  const scaledObject = find(objects, 'ScaledObject', 'shipshape-worker');
  const spec = scaledObject.spec as ScaledObjectSpec;
  const worker = find(objects, 'Deployment', 'shipshape-worker');

  it('renders prod plus a ScaledObject for the worker, and every object validates (KEDA’s CRD schema for the ScaledObject)', () => {
    for (const object of objects) validateObject(object);
    // Nothing else changes but the worker's replicas, which KEDA's HPA owns from now on.
    const key = (o: KubeObject) => `${o.kind}/${o.metadata.name}`;
    expect(objects.map(key).sort()).toEqual(
      [...prod.map(key), 'ScaledObject/shipshape-worker'].sort(),
    );
    for (const object of prod) {
      const rendered = objects.find((o) => key(o) === key(object))!;
      if (key(object) !== 'Deployment/shipshape-worker')
        expect(rendered, key(object)).toEqual(object);
    }
    const { replicas, ...prodWorkerSpec } = find(prod, 'Deployment', 'shipshape-worker').spec as {
      replicas?: number;
    };
    expect(replicas).toBeGreaterThan(0);
    expect(worker.spec).toEqual(prodWorkerSpec);
  });

  it('uses only the fields and Prometheus scaler parameters KEDA documents (a typed model: the CRD schema prunes unknown fields silently)', () => {
    expect(scaledObjectProblems(spec)).toEqual([]);
    // The model can fail: a misspelt field, a misspelt parameter, a missing threshold.
    const [trigger] = spec.triggers;
    const { threshold: _threshold, ...withoutThreshold } = trigger!.metadata;
    expect(
      scaledObjectProblems({
        ...spec,
        cooldownPeriods: 300,
        triggers: [
          { ...trigger, metadata: { ...withoutThreshold, serverAdress: 'http://x:9090' } },
        ],
      }),
    ).toEqual(['spec.cooldownPeriods: not a field KEDA documents']);
    expect(
      scaledObjectProblems({
        ...spec,
        triggers: [
          { ...trigger, metadata: { ...withoutThreshold, serverAdress: 'http://x:9090' } },
        ],
      }),
    ).toEqual([
      'spec.triggers[0].metadata.serverAdress: not a Prometheus scaler parameter',
      'spec.triggers[0].metadata.threshold: required',
    ]);
  });

  it('scales the worker Deployment of its own namespace, whose replica count it leaves to the HPA', () => {
    expect(spec.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: worker.metadata.name,
    });
    expect(scaledObject.metadata.namespace).toBe(worker.metadata.namespace);
    expect((worker.spec as { replicas?: number }).replicas).toBeUndefined();
    const [selector] = selectors(spec.triggers[0]!.metadata.query!);
    expect(selector?.matchers).toEqual(
      expect.arrayContaining([
        { label: 'namespace', op: '=', value: worker.metadata.namespace },
        { label: 'queue', op: '=', value: 'orders' },
      ]),
    );
  });

  it('reads the waiting jobs with valid PromQL over the queue gauge the apps export', () => {
    const { query } = spec.triggers[0]!.metadata;
    expect(metricNames(query!)).toEqual(['bullmq_queue_jobs']);
    const file = join(mkdtempSync(join(tmpdir(), 'shipshape-keda-')), 'query.rules.yaml');
    writeFileSync(
      file,
      stringify({ groups: [{ name: 'keda', rules: [{ record: 'keda:query', expr: query }] }] }),
    );
    const result = promtool(['check', 'rules', file]);
    rmSync(dirname(file), { recursive: true, force: true });
    expect(result.status, result.output).toBe(0);
    // KEDA needs one value: the outer aggregation keeps no label.
    expect(query).toMatch(/^sum\(max by \(state\) \(/);
  });

  it('scales in no faster than workers drain, and is at its maximum when QueueBacklogHigh fires', () => {
    const grace = workloads(objects).find((w) => w.name === 'shipshape-worker')!.pod
      .terminationGracePeriodSeconds!;
    const scaleDown = spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown;
    for (const policy of scaleDown.policies) expect(policy.periodSeconds).toBeGreaterThan(grace);
    expect(scaleDown.stabilizationWindowSeconds).toBeGreaterThanOrEqual(4 * spec.pollingInterval);
    // Polls no more often than Prometheus has a new value.
    const monitor = find(objects, 'ServiceMonitor', 'shipshape').spec as {
      endpoints: { interval: string }[];
    };
    expect(`${spec.pollingInterval}s`).toBe(monitor.endpoints[0]!.interval);
    // Two pods at least: the PDB lets one go at a time, so a drain never empties the queue's consumers.
    expect(spec.minReplicaCount).toBeGreaterThanOrEqual(2);
    const backlogAlert = allRules().find((r) => r.alert === 'QueueBacklogHigh')!;
    const alertThreshold = Number(/>\s*(\d+)\s*$/.exec(backlogAlert.expr.trim())?.[1]);
    expect(spec.maxReplicaCount * Number(spec.triggers[0]!.metadata.threshold)).toBe(
      alertThreshold,
    );
  });
});
