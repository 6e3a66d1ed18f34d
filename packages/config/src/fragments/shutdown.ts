import type { EnvLike } from '../schema.js';

/** Overrides for `shutdownSchema` defaults. Setting `drainDelay` turns off the Kubernetes rule. */
export interface ShutdownSchemaOptions {
  readonly timeout?: string | number;
  readonly drainDelay?: string | number;
}

export const SHUTDOWN_SCHEMA_DEFAULTS = {
  timeout: '25s',
  drainDelay: '0s',
  kubernetesDrainDelay: '5s',
} as const;

/** Graceful shutdown: `SHUTDOWN_TIMEOUT` (ms), `SHUTDOWN_DRAIN_DELAY` (ms; 5s by default under Kubernetes). */
export function shutdownSchema(options: ShutdownSchemaOptions = {}) {
  const timeout = options.timeout ?? SHUTDOWN_SCHEMA_DEFAULTS.timeout;
  const drainDelay = options.drainDelay ?? SHUTDOWN_SCHEMA_DEFAULTS.drainDelay;
  const kubernetesDelay = (env: EnvLike): string | undefined =>
    options.drainDelay === undefined && (env['KUBERNETES_SERVICE_HOST'] ?? '') !== ''
      ? SHUTDOWN_SCHEMA_DEFAULTS.kubernetesDrainDelay
      : undefined;
  return {
    timeout: {
      doc: 'Deadline for the whole shutdown, in ms; keep it below terminationGracePeriodSeconds.',
      format: 'duration',
      default: timeout,
      env: 'SHUTDOWN_TIMEOUT',
    },
    drainDelay: {
      doc: 'Wait after readiness fails before closing servers, in ms (default 5s when KUBERNETES_SERVICE_HOST is set).',
      format: 'duration',
      default: drainDelay,
      env: 'SHUTDOWN_DRAIN_DELAY',
      defaultFromEnv: kubernetesDelay,
    },
  } as const;
}
