import type { IContainer } from 'kubernetes-models/v1';
import type { KubeObject } from './kustomize.js';

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
