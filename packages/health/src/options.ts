import { HealthError } from './errors.js';
import { adaptLogger } from '@shipshape/contracts';
import type { HealthLogger } from './types.js';

/** Who may see check details: nobody, everybody, or requests carrying the token. */
export type VerbosePolicy = 'never' | 'always' | { readonly token: string };

export interface HealthOptions {
  /** Receives a line whenever a check changes status. Default: silent. */
  readonly logger?: HealthLogger;
  /** Reuse a probe's check results for this long (ms) after a run finishes. `0` disables reuse. */
  readonly cacheTtlMs?: number;
  /** Default per-check timeout (ms). */
  readonly timeoutMs?: number;
  /** When `?verbose` is honoured by the HTTP handler. */
  readonly verbose?: VerbosePolicy;
}

export interface ResolvedHealthOptions {
  readonly logger: HealthLogger | undefined;
  readonly cacheTtlMs: number;
  readonly timeoutMs: number;
  readonly verbose: VerbosePolicy;
}

export const DEFAULTS = {
  cacheTtlMs: 1000,
  timeoutMs: 2000,
  verbose: 'never',
} as const satisfies Partial<ResolvedHealthOptions>;

const MAX_TIMER_MS = 2_147_483_647;

export function assertDuration(name: string, value: number, allowZero: boolean): void {
  // setTimeout fires at once for delays above 2^31 - 1 ms, so larger values would disable the timeout.
  const ok =
    Number.isFinite(value) && (allowZero ? value >= 0 : value > 0) && value <= MAX_TIMER_MS;
  if (!ok) {
    throw new HealthError(
      'HEALTH_INVALID_OPTION',
      `health: option ${name} must be a finite number of milliseconds ${allowZero ? '>= 0' : '> 0'} and <= ${MAX_TIMER_MS}, got ${String(value)}. Fix the value passed to createHealth() or registry.add().`,
    );
  }
}

export function resolveOptions(options: HealthOptions = {}): ResolvedHealthOptions {
  const resolved: ResolvedHealthOptions = {
    logger: options.logger === undefined ? undefined : adaptLogger(options.logger),
    cacheTtlMs: options.cacheTtlMs ?? DEFAULTS.cacheTtlMs,
    timeoutMs: options.timeoutMs ?? DEFAULTS.timeoutMs,
    verbose: options.verbose ?? DEFAULTS.verbose,
  };
  assertDuration('cacheTtlMs', resolved.cacheTtlMs, true);
  assertDuration('timeoutMs', resolved.timeoutMs, false);
  const verbose: unknown = resolved.verbose;
  const validVerbose =
    verbose === 'never' ||
    verbose === 'always' ||
    (typeof verbose === 'object' &&
      verbose !== null &&
      typeof (verbose as { token?: unknown }).token === 'string' &&
      (verbose as { token: string }).token.length > 0);
  if (!validVerbose) {
    throw new HealthError(
      'HEALTH_INVALID_OPTION',
      "health: option verbose must be 'never', 'always' or { token: '<non-empty string>' }. An empty token would let anyone read check details.",
    );
  }
  return resolved;
}
