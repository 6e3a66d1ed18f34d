import type { LoggerLike } from '@shipshape/contracts';

/**
 * Where phases, hooks and failures are logged: a winston, pino or bunyan logger, `console` or
 * @shipshape/logger's, as they are (`LoggerLike` of @shipshape/contracts); no field is dropped.
 */
export type ShutdownLogger = LoggerLike;

/** running → draining → stopping → stopped. */
export type ShutdownState = 'running' | 'draining' | 'stopping' | 'stopped';

/** The timed parts of a shutdown, in order: drain delay, hooks, final hooks. */
export type ShutdownPhase = 'drain' | 'hooks' | 'final';

export type HookOutcome = 'ok' | 'error' | 'timeout';

export type HookFn = () => unknown;

export interface HookOptions {
  /** This hook's own timeout; defaults to the coordinator's `hookTimeoutMs`. Always capped by the overall deadline. */
  readonly timeoutMs?: number;
  /** Runs when the hook times out (e.g. a forced close); bounded by what is left of the deadline. */
  readonly onTimeout?: HookFn;
}

/** Emitted once per hook when it settles or is abandoned. */
export interface HookEvent {
  /** The hook's name (also as `name`). */
  readonly hook: string;
  readonly name: string;
  readonly outcome: HookOutcome;
  readonly durationMs: number;
  /** True for hooks registered with `addFinal`. */
  readonly final: boolean;
  readonly error?: unknown;
}

/** Emitted once per phase when it ends. */
export interface PhaseEvent {
  readonly phase: ShutdownPhase;
  readonly durationMs: number;
}

export interface ShutdownEvents {
  phase: PhaseEvent;
  hook: HookEvent;
}
