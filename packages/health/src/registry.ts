import { performance } from 'node:perf_hooks';
import { HealthError } from './errors.js';
import { assertDuration } from './options.js';
import { runCheck, type RegisteredCheck } from './run-check.js';
import type { CheckOptions, CheckResult, HealthCheck, ProbeName } from './types.js';

/** The public face of one probe's checks. */
export interface ProbeRegistry {
  /** Registers a check. Names are unique per registry. */
  add(name: string, check: HealthCheck, options?: CheckOptions): void;
  /** Unregisters a check; returns whether it existed. */
  remove(name: string): boolean;
  /** Names of the registered checks, in registration order. */
  names(): string[];
}

export interface ProbeRunner extends ProbeRegistry {
  /** Runs every check in parallel, sharing an in-flight run and reusing results for `cacheTtlMs`. */
  run(): Promise<readonly CheckResult[]>;
}

export interface ProbeRunnerOptions {
  readonly probe: ProbeName;
  readonly timeoutMs: number;
  readonly cacheTtlMs: number;
  readonly onResult: (result: CheckResult, previous: CheckResult['status'] | undefined) => void;
}

export function createProbeRunner(options: ProbeRunnerOptions): ProbeRunner {
  const { probe, cacheTtlMs, onResult } = options;
  const checks = new Map<string, RegisteredCheck>();
  let inFlight: Promise<readonly CheckResult[]> | undefined;
  let cached: { results: readonly CheckResult[]; expiresAt: number } | undefined;
  let generation = 0;

  function invalidate(): void {
    generation += 1;
    cached = undefined;
    inFlight = undefined;
  }

  async function execute(): Promise<readonly CheckResult[]> {
    const entries = [...checks.values()];
    const results = await Promise.all(entries.map((entry) => runCheck(entry, probe)));
    for (const [index, result] of results.entries()) {
      const entry = entries[index];
      if (entry === undefined) continue;
      const previous = entry.lastStatus;
      entry.lastStatus = result.status;
      onResult(result, previous);
    }
    return results;
  }

  return {
    add(name, check, checkOptions = {}) {
      if (typeof name !== 'string' || name.length === 0) {
        throw new HealthError(
          'HEALTH_INVALID_CHECK',
          `health: a ${probe} check needs a non-empty name; pass one as the first argument of ${probe}.add().`,
        );
      }
      if (typeof check !== 'function') {
        throw new HealthError(
          'HEALTH_INVALID_CHECK',
          `health: ${probe} check "${name}" is not a function; pass () => Promise<void>.`,
        );
      }
      if (checks.has(name)) {
        throw new HealthError(
          'HEALTH_DUPLICATE_CHECK',
          `health: ${probe} already has a check named "${name}"; pick another name or remove() the old one first.`,
        );
      }
      const timeoutMs = checkOptions.timeoutMs ?? options.timeoutMs;
      assertDuration(`timeoutMs of ${probe} check "${name}"`, timeoutMs, false);
      checks.set(name, {
        name,
        check,
        timeoutMs,
        critical: checkOptions.critical ?? true,
        inFlight: undefined,
        inFlightSince: 0,
        lastStatus: undefined,
      });
      invalidate();
    },
    remove(name) {
      const existed = checks.delete(name);
      if (existed) invalidate();
      return existed;
    },
    names() {
      return [...checks.keys()];
    },
    run() {
      if (cached !== undefined && performance.now() < cached.expiresAt) {
        return Promise.resolve(cached.results);
      }
      if (inFlight !== undefined) return inFlight;
      const started = generation;
      const run = execute().then((results) => {
        if (generation === started) {
          inFlight = undefined;
          if (cacheTtlMs > 0) cached = { results, expiresAt: performance.now() + cacheTtlMs };
        }
        return results;
      });
      inFlight = run;
      return run;
    },
  };
}
