import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { kubernetesDir } from './paths.js';

/** The part of every Kubernetes object the checks rely on; the rest is read per kind. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [key: string]: unknown;
}

const cache = new Map<string, KubeObject[]>();

/** Renders a kustomization directory (relative to deploy/kubernetes) offline with `kubectl kustomize`. */
export function render(dir: string): KubeObject[] {
  const cached = cache.get(dir);
  if (cached) return cached;
  const output = execFileSync('kubectl', ['kustomize', join(kubernetesDir, dir)], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  const objects = parseYamlStream(output);
  cache.set(dir, objects);
  return objects;
}

export function parseYamlStream(text: string): KubeObject[] {
  return parseAllDocuments(text).map((document) => {
    if (document.errors.length > 0)
      throw new Error(document.errors.map((e) => e.message).join('; '));
    return document.toJSON() as KubeObject;
  });
}

export function find(objects: KubeObject[], kind: string, name: string): KubeObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`${kind}/${name} is not in the rendered output`);
  return found;
}
