/** How the shutdown deadline is split between the worker's drain and everything closed after it. */
export interface ShutdownBudget {
  /** Active jobs may finish for this long after the worker stops fetching. */
  readonly graceMs: number;
  /** Past the grace period: time for aborted processors to return. */
  readonly forceWaitMs: number;
  /** Timeout of the worker's shutdown hook (grace + force + margin). */
  readonly hookTimeoutMs: number;
}

/** Kept back from the deadline for closing the queue, Redis and the database after the worker. */
export const CLOSE_RESERVE_MS = 3_000;
export const FORCE_WAIT_MS = 1_000;

export function shutdownBudget(timeoutMs: number, drainDelayMs = 0): ShutdownBudget {
  const available = Math.max(timeoutMs - drainDelayMs, 0);
  const graceMs = Math.max(available - CLOSE_RESERVE_MS - FORCE_WAIT_MS, Math.floor(available / 2));
  const forceWaitMs = Math.min(FORCE_WAIT_MS, Math.max(available - graceMs, 0));
  return { graceMs, forceWaitMs, hookTimeoutMs: graceMs + forceWaitMs + 500 };
}
