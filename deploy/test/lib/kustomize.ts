import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { inject } from 'vitest';
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

/**
 * The objects `kubectl kustomize` renders offline for a kustomization directory (relative to
 * deploy/kubernetes). The overlays are rendered once by test/global-setup.ts; anything else here.
 */
export function render(dir: string): KubeObject[] {
  const cached = cache.get(dir);
  if (cached) return cached;
  const output =
    inject('renderedOverlays')[dir] ??
    execFileSync('kubectl', ['kustomize', join(kubernetesDir, dir)], {
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
