import type { IContainer, IPodSpec } from 'kubernetes-models/v1';
import type { KubeObject } from './kustomize.js';

/** A Deployment or Job reduced to what the checks read: its pod spec and labels. */
export interface Workload {
  kind: string;
  name: string;
  podLabels: Record<string, string>;
  pod: IPodSpec;
}

interface WithPodTemplate {
  spec: { template: { metadata?: { labels?: Record<string, string> }; spec: IPodSpec } };
}

export function workloads(objects: KubeObject[]): Workload[] {
  return objects
    .filter((o) => o.kind === 'Deployment' || o.kind === 'Job')
    .map((o) => {
      const { template } = (o as unknown as WithPodTemplate).spec;
      return {
        kind: o.kind,
        name: o.metadata.name,
        podLabels: template.metadata?.labels ?? {},
        pod: template.spec,
      };
    });
}

export function deployment(objects: KubeObject[], name: string): Workload {
  const found = workloads(objects).find((w) => w.kind === 'Deployment' && w.name === name);
  if (!found) throw new Error(`Deployment/${name} is not in the rendered output`);
  return found;
}

export function onlyContainer(workload: Workload): IContainer {
  const [container, ...rest] = workload.pod.containers;
  if (!container || rest.length > 0)
    throw new Error(`${workload.name}: expected exactly one container`);
  return container;
}

/** A container's environment variable: its literal value, or undefined when unset or not literal. */
export function envValue(container: IContainer, name: string): string | undefined {
  return container.env?.find((e) => e.name === name)?.value;
}

/** The container port with this name, or with this number. */
export function containerPort(container: IContainer, port: string | number): number | undefined {
  const found = container.ports?.find((p) =>
    typeof port === 'number' ? p.containerPort === port : p.name === port,
  );
  return found?.containerPort;
}

/** Kubernetes quantity → bytes ("512Mi", "1Gi", "256M"). */
export function quantityBytes(quantity: string | number): number {
  if (typeof quantity === 'number') return quantity;
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(quantity);
  if (!match) throw new Error(`"${quantity}" is not a memory quantity`);
  const factors: Record<string, number> = {
    '': 1,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
  };
  return Number(match[1]) * (factors[match[2] ?? ''] ?? Number.NaN);
}
