import type {
  CheckResult,
  HealthCheckEntry,
  HealthResponse,
  HealthStatus,
  RunTarget,
} from './types.js';

const RANK: Record<HealthStatus, number> = { pass: 0, warn: 1, fail: 2 };

export function worst(statuses: readonly HealthStatus[]): HealthStatus {
  let result: HealthStatus = 'pass';
  for (const status of statuses) if (RANK[status] > RANK[result]) result = status;
  return result;
}

function entryOf(result: CheckResult): HealthCheckEntry {
  return {
    componentId: result.name,
    componentType: result.probe,
    status: result.status,
    observedValue: result.durationMs,
    observedUnit: 'ms',
    time: result.time,
    critical: result.critical,
    ...(result.output === undefined ? {} : { output: result.output }),
    ...(result.details === undefined ? {} : { details: result.details }),
  };
}

const DESCRIPTIONS: Record<RunTarget, string> = {
  liveness: 'liveness: is the process alive and not stuck',
  readiness: 'readiness: can this instance take traffic',
  startup: 'startup: has initialisation finished',
  health: 'health: liveness, readiness and startup together',
};

/** Builds the full (verbose) application/health+json body. */
export function buildResponse(
  target: RunTarget,
  status: HealthStatus,
  results: readonly CheckResult[],
  outputs: readonly string[],
): HealthResponse {
  const checks: Record<string, HealthCheckEntry[]> = {};
  for (const result of results) {
    const key = `${result.name}:responseTime`;
    (checks[key] ??= []).push(entryOf(result));
  }
  return {
    status,
    description: DESCRIPTIONS[target],
    ...(outputs.length > 0 ? { output: outputs.join('; ') } : {}),
    checks,
  };
}

/** The body shown when details are not allowed: status, description and lifecycle output only. */
export function brief(response: HealthResponse): HealthResponse {
  const { checks: _checks, ...rest } = response;
  return rest;
}
