export { createHealth } from './health.js';
export { HealthError, isHealthError } from './errors.js';

export type { Health, CheckListener } from './health.js';
export type { HealthErrorCode } from './errors.js';
export type { HealthOptions, VerbosePolicy } from './options.js';
export type { ProbeRegistry } from './registry.js';
export type { HealthHandler } from './handler.js';
export type {
  CheckContext,
  CheckEvent,
  CheckOptions,
  CheckValue,
  HealthCheck,
  HealthCheckEntry,
  HealthLogger,
  HealthResponse,
  HealthStatus,
  ProbeName,
  RunTarget,
} from './types.js';
