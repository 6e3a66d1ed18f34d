import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { kubernetesDir, overlays } from './lib/paths.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `kubectl kustomize` output per overlay, rendered once for every test file. */
    renderedOverlays: Record<string, string>;
  }
}

/** The overlays use `labels`, `components` and targeted `patches`: kustomize 4 or newer. */
const MIN_KUSTOMIZE_MAJOR = 4;

function checkKustomize(): void {
  let version: string;
  try {
    const output = execFileSync('kubectl', ['version', '--client', '-o', 'json'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    version = (JSON.parse(output) as { kustomizeVersion?: string }).kustomizeVersion ?? 'none';
  } catch (error) {
    throw new Error(
      `kubectl is needed to render deploy/kubernetes (kubectl kustomize): ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const major = Number(/^v?(\d+)/.exec(version)?.[1] ?? 0);
  if (major < MIN_KUSTOMIZE_MAJOR) {
    throw new Error(
      `kubectl's built-in kustomize is ${version}; the overlays need kustomize ${MIN_KUSTOMIZE_MAJOR} or newer (kubectl 1.21+). Install a newer kubectl.`,
    );
  }
}

/** Renders each overlay once (about 2 s each) instead of once per test file. */
export default function setup(project: TestProject): void {
  checkKustomize();
  const rendered: Record<string, string> = {};
  for (const overlay of overlays) {
    rendered[`overlays/${overlay}`] = execFileSync(
      'kubectl',
      ['kustomize', join(kubernetesDir, 'overlays', overlay)],
      {
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
  }
  project.provide('renderedOverlays', rendered);
}
