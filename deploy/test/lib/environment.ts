import type { IContainer } from 'kubernetes-models/v1';
import type { KubeObject } from './kustomize.js';
import { onlyContainer, workloads } from './workloads.js';

/**
 * The environment a container really gets: its envFrom ConfigMaps first, then its own env entries
 * (which win, as in Kubernetes). Values from secrets or the downward API are left out.
 */
export function containerEnvironment(
  container: IContainer,
  objects: KubeObject[],
): Map<string, string> {
  const environment = new Map<string, string>();
  for (const source of container.envFrom ?? []) {
    const name = source.configMapRef?.name;
    const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name);
    if (!configMap)
      throw new Error(`ConfigMap ${name ?? '?'} referenced by ${container.name} is not rendered`);
    for (const [key, value] of Object.entries((configMap.data ?? {}) as Record<string, string>))
      environment.set(key, value);
  }
  for (const variable of container.env ?? []) {
    if (variable.value !== undefined) environment.set(variable.name, variable.value);
  }
  return environment;
}

/**
 * The environment a Deployment gives its app, runnable on this machine: the rendered manifest's
 * values without the ones that only work in the cluster (secret files, the OTLP collector). The
 * caller adds its own database, Redis and ports.
 */
export function deploymentEnvironment(
  objects: KubeObject[],
  app: 'api' | 'worker',
): Record<string, string> {
  const workload = workloads(objects).find(
    (w) => w.kind === 'Deployment' && w.name === `shipshape-${app}`,
  );
  if (!workload) throw new Error(`Deployment/shipshape-${app} is not in the rendered output`);
  const environment = Object.fromEntries(containerEnvironment(onlyContainer(workload), objects));
  delete environment.DATABASE_URL_FILE; // the Secret is not available here
  delete environment.REDIS_URL_FILE;
  delete environment.OTEL_EXPORTER_OTLP_ENDPOINT; // no collector here
  return environment;
}
