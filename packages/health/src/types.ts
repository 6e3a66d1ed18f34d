import type { LoggerLike } from '@shipshape/contracts';

/**
 * Where status changes are logged: a winston, pino or bunyan logger, `console` or
 * @shipshape/logger's, as they are (`LoggerLike` of @shipshape/contracts); no field is dropped.
 */
export type HealthLogger = LoggerLike;

/** IETF health+json status values. */
export type HealthStatus = 'pass' | 'warn' | 'fail';

/** The three registries. */
export type ProbeName = 'liveness' | 'readiness' | 'startup';

/** What `run()` accepts: one registry, or `health` for everything at once (`/healthz`). */
export type RunTarget = ProbeName | 'health';

/** Passed to every check; `signal` aborts when the check's timeout elapses. */
export interface CheckContext {
  readonly signal: AbortSignal;
}

/**
 * A health check. Resolve to pass, reject (or throw) to fail. Resolve with a plain object to add
 * details to the verbose output; resolve with `{ status: 'warn', output }` to report a warning.
 */
export type HealthCheck = (context: CheckContext) => Promise<CheckValue>;

/**
 * What a check resolves with. `void` is deliberate: `async () => { await db.ping(); }` must be a
 * valid check without a cast (the shared contract between shipshape packages).
 */
// eslint-disable-next-line @typescript-eslint/no-invalid-void-type
export type CheckValue = void | Record<string, unknown>;

export interface CheckOptions {
  /** Fail the check when it has not settled after this many milliseconds. Default: `timeoutMs` of createHealth. */
  readonly timeoutMs?: number;
  /** A failing critical check fails the probe; a failing non-critical one makes it `warn` (HTTP 200). Default true. */
  readonly critical?: boolean;
}

/** One check's outcome as kept in the cache and shown in verbose output. */
export interface CheckResult {
  readonly name: string;
  readonly probe: ProbeName;
  readonly status: HealthStatus;
  readonly critical: boolean;
  readonly durationMs: number;
  /** ISO 8601 time the result was recorded. */
  readonly time: string;
  /** Sanitised failure or warning text; absent on pass. */
  readonly output?: string;
  readonly details?: Record<string, unknown>;
}

/** Emitted once per check execution (never for cache hits). */
export interface CheckEvent {
  readonly probe: ProbeName;
  readonly name: string;
  readonly status: HealthStatus;
  readonly durationMs: number;
}

/** One entry of the `checks` object of an application/health+json body. */
export interface HealthCheckEntry {
  readonly componentId: string;
  readonly componentType: ProbeName;
  readonly status: HealthStatus;
  readonly observedValue: number;
  readonly observedUnit: 'ms';
  readonly time: string;
  readonly critical: boolean;
  readonly output?: string;
  readonly details?: Record<string, unknown>;
}

/** An application/health+json body (draft-inadarei-api-health-check). */
export interface HealthResponse {
  readonly status: HealthStatus;
  readonly description: string;
  readonly output?: string;
  readonly checks?: Record<string, HealthCheckEntry[]>;
}
