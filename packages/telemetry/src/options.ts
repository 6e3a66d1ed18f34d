import type { NodeSDKConfiguration } from '@opentelemetry/sdk-node';
import { TelemetryError } from './errors.js';

/** An OpenTelemetry instrumentation (anything `NodeSDK` accepts in `instrumentations`). */
export type InstrumentationLike = NonNullable<NodeSDKConfiguration['instrumentations']>[number];

/** Options of `startTelemetry`; every field is optional. Exporters, sampler and service name come from `OTEL_*`. */
export interface TelemetryOptions {
  /** Request paths never traced (query and trailing slash ignored): probes and the scrape endpoint. */
  readonly untracedPaths?: readonly string[] | undefined;
  /** Instrumentations to enable besides the built-in http, express, knex, pg and ioredis ones. */
  readonly instrumentations?: readonly InstrumentationLike[] | undefined;
}

/** Every default, written once. */
export const TELEMETRY_DEFAULTS = {
  untracedPaths: ['/livez', '/readyz', '/startupz', '/healthz', '/metrics'],
} as const;

/** @internal */
export interface ResolvedTelemetryOptions {
  readonly untracedPaths: readonly string[];
  readonly instrumentations: readonly InstrumentationLike[];
}

export function resolveOptions(options: TelemetryOptions): ResolvedTelemetryOptions {
  const untracedPaths = options.untracedPaths ?? TELEMETRY_DEFAULTS.untracedPaths;
  if (
    !Array.isArray(untracedPaths) ||
    !untracedPaths.every((path) => typeof path === 'string' && path.startsWith('/'))
  ) {
    throw new TelemetryError(
      'TELEMETRY_INVALID_OPTIONS',
      `startTelemetry: untracedPaths must be an array of paths starting with "/" (e.g. ["/livez", "/metrics"]); got ${JSON.stringify(untracedPaths)}.`,
    );
  }
  const instrumentations = options.instrumentations ?? [];
  if (!Array.isArray(instrumentations)) {
    throw new TelemetryError(
      'TELEMETRY_INVALID_OPTIONS',
      'startTelemetry: instrumentations must be an array of OpenTelemetry instrumentations (e.g. [new UndiciInstrumentation()]).',
    );
  }
  return { untracedPaths, instrumentations };
}
