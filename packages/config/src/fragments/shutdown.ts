import { valueAt, type ConfigRule } from '../rules.js';
import type { EnvLike } from '../schema.js';

/** Overrides for `shutdownSchema` defaults. Setting `drainDelay` turns off the Kubernetes rule. */
export interface ShutdownSchemaOptions {
  readonly timeout?: string | number;
  readonly drainDelay?: string | number;
  readonly gracePeriod?: string | number;
}

export const SHUTDOWN_SCHEMA_DEFAULTS = {
  timeout: '25s',
  drainDelay: '0s',
  kubernetesDrainDelay: '5s',
  gracePeriod: '30s',
} as const;

/**
 * Graceful shutdown: `SHUTDOWN_TIMEOUT` (ms), `SHUTDOWN_DRAIN_DELAY` (ms; 5s by default under
 * Kubernetes), `SHUTDOWN_GRACE_PERIOD` (ms; the platform's SIGKILL deadline).
 */
export function shutdownSchema(options: ShutdownSchemaOptions = {}) {
  const timeout = options.timeout ?? SHUTDOWN_SCHEMA_DEFAULTS.timeout;
  const drainDelay = options.drainDelay ?? SHUTDOWN_SCHEMA_DEFAULTS.drainDelay;
  const gracePeriod = options.gracePeriod ?? SHUTDOWN_SCHEMA_DEFAULTS.gracePeriod;
  const kubernetesDelay = (env: EnvLike): string | undefined =>
    options.drainDelay === undefined && (env['KUBERNETES_SERVICE_HOST'] ?? '') !== ''
      ? SHUTDOWN_SCHEMA_DEFAULTS.kubernetesDrainDelay
      : undefined;
  return {
    timeout: {
      doc: 'Deadline for the whole shutdown from the signal, in ms; more than the drain delay, less than the grace period.',
      format: 'duration',
      min: '1ms',
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
    gracePeriod: {
      doc: 'Time the platform allows between SIGTERM and SIGKILL (Kubernetes terminationGracePeriodSeconds, compose stop_grace_period); keep a few seconds above SHUTDOWN_TIMEOUT for the final log flush.',
      format: 'duration',
      min: '1ms',
      default: gracePeriod,
      env: 'SHUTDOWN_GRACE_PERIOD',
    },
  } as const;
}

/** Rules of a `shutdownSchema()` section mounted at `section`: drain delay < timeout < grace period. */
export function shutdownRules(section = 'shutdown'): ConfigRule<object>[] {
  const drainDelay = `${section}.drainDelay`;
  const timeout = `${section}.timeout`;
  const gracePeriod = `${section}.gracePeriod`;
  const smaller = (a: string, b: string) => (config: object) =>
    Number(valueAt(config, a)) < Number(valueAt(config, b));
  return [
    {
      keys: [drainDelay, timeout],
      rule: `${drainDelay} must be smaller than ${timeout}, or no time is left to close anything`,
      check: smaller(drainDelay, timeout),
    },
    {
      keys: [timeout, gracePeriod],
      rule: `${timeout} must be smaller than ${gracePeriod}, or the platform kills the process before its shutdown ends`,
      check: smaller(timeout, gracePeriod),
    },
  ];
}
