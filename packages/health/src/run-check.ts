import { performance } from 'node:perf_hooks';
import { sanitizeDetails, sanitizeError, sanitizeText } from './sanitize.js';
import type { CheckResult, CheckValue, HealthCheck, HealthStatus, ProbeName } from './types.js';

type Outcome =
  | { readonly ok: true; readonly value: CheckValue }
  | { readonly ok: false; readonly error: unknown };

/** A registered check plus the state that must survive between runs. */
export interface RegisteredCheck {
  readonly name: string;
  readonly check: HealthCheck;
  readonly timeoutMs: number;
  readonly critical: boolean;
  /** The call still running, shared by later runs so a hanging dependency is not called again and again. */
  inFlight: Promise<Outcome> | undefined;
  inFlightSince: number;
  lastStatus: HealthStatus | undefined;
}

function invoke(check: HealthCheck, signal: AbortSignal): Promise<Outcome> {
  return new Promise<CheckValue>((resolve) => {
    resolve(check({ signal }));
  }).then(
    (value): Outcome => ({ ok: true, value }),
    (error: unknown): Outcome => ({ ok: false, error }),
  );
}

function isWarning(value: unknown): value is { status: 'warn'; output?: unknown } {
  return (
    typeof value === 'object' && value !== null && (value as { status?: unknown }).status === 'warn'
  );
}

function detailsOf(value: Record<string, unknown>): Record<string, unknown> | undefined {
  const { status: _status, output: _output, ...rest } = value;
  const details = sanitizeDetails(rest);
  return Object.keys(details).length > 0 ? details : undefined;
}

/** Runs one check under its timeout. Never rejects and never waits longer than `timeoutMs`. */
export async function runCheck(entry: RegisteredCheck, probe: ProbeName): Promise<CheckResult> {
  const startedAt = performance.now();
  let joined = true;
  let pending = entry.inFlight;
  const controller = new AbortController();
  if (pending === undefined) {
    joined = false;
    entry.inFlightSince = startedAt;
    pending = invoke(entry.check, controller.signal);
    entry.inFlight = pending;
    const mine = pending;
    void mine.then(() => {
      if (entry.inFlight === mine) entry.inFlight = undefined;
    });
  }
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(resolve, entry.timeoutMs, 'timeout');
  });
  const outcome = await Promise.race([pending, timedOut]);
  clearTimeout(timer);
  const durationMs = Math.round((performance.now() - startedAt) * 100) / 100;
  const base = {
    name: entry.name,
    probe,
    critical: entry.critical,
    durationMs,
    time: new Date().toISOString(),
  };
  const failStatus: HealthStatus = entry.critical ? 'fail' : 'warn';

  if (outcome === 'timeout') {
    if (!joined) controller.abort(new Error(`timed out after ${entry.timeoutMs} ms`));
    const runningMs = Math.round(performance.now() - entry.inFlightSince);
    const output = joined
      ? `timed out after ${entry.timeoutMs} ms; the previous call has been running for ${runningMs} ms and was not repeated`
      : `timed out after ${entry.timeoutMs} ms`;
    return { ...base, status: failStatus, output };
  }
  if (!outcome.ok) {
    return { ...base, status: failStatus, output: sanitizeError(outcome.error) };
  }
  const value = outcome.value;
  if (value === undefined) return { ...base, status: 'pass' };
  const details = detailsOf(value);
  if (isWarning(value)) {
    const output = typeof value.output === 'string' ? sanitizeText(value.output) : 'warning';
    return details
      ? { ...base, status: 'warn', output, details }
      : { ...base, status: 'warn', output };
  }
  return details ? { ...base, status: 'pass', details } : { ...base, status: 'pass' };
}
