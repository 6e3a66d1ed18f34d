import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { dockerDir } from './paths.js';

export interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string; target: string; args?: Record<string, string> };
  command?: string[];
  environment?: Record<string, string | number>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }> | string[];
  secrets?: string[];
  volumes?: string[];
  healthcheck?: { test?: string[]; disable?: boolean };
  stop_grace_period?: string;
  read_only?: boolean;
  cap_drop?: string[];
  security_opt?: string[];
  deploy?: {
    resources?: {
      limits?: { memory?: string; cpus?: string };
      reservations?: { memory?: string; cpus?: string };
    };
  };
}
export interface ComposeFile {
  name: string;
  services: Record<string, ComposeService>;
  secrets: Record<string, { file: string }>;
  volumes: Record<string, unknown>;
}

/** docker/compose.yaml with its YAML anchors and merge keys (<<) resolved, as compose reads it. */
export function loadCompose(): ComposeFile {
  return parse(readFileSync(join(dockerDir, 'compose.yaml'), 'utf8'), {
    merge: true,
    maxAliasCount: 100,
  }) as ComposeFile;
}

/** The apps in the compose file and the Kubernetes names they correspond to. */
export const composeApps = { api: 'shipshape-api', worker: 'shipshape-worker' } as const;
