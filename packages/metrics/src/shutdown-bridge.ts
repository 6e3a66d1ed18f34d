import type { InstrumentFactory } from './instruments.js';
import { detach } from './types.js';
import type { EventSourceLike, Teardown } from './types.js';

/** What a shutdown coordinator's `phase` / `hook` events may carry; read leniently. */
export interface ShutdownEventLike {
  readonly phase?: string;
  readonly name?: string;
  readonly hook?: string;
  readonly durationMs?: number;
  readonly outcome?: string;
  readonly status?: string;
  readonly error?: unknown;
  readonly timedOut?: boolean;
}

/**
 * Mirrors shutdown progress into `shutdown_phase_duration_seconds{phase}` and
 * `shutdown_hook_duration_seconds{hook,outcome}`. Events without a duration (a phase starting) are
 * ignored; the outcome is the event's `outcome`/`status`, else `timeout`, `error` or `ok`.
 */
export function observeShutdown(factory: InstrumentFactory, shutdown: EventSourceLike): Teardown {
  const phases = factory.gauge({
    name: 'shutdown_phase_duration_seconds',
    help: 'How long each phase of the last graceful shutdown took.',
    labelNames: ['phase'],
  });
  const hooks = factory.gauge({
    name: 'shutdown_hook_duration_seconds',
    help: 'How long each shutdown hook took, by outcome.',
    labelNames: ['hook', 'outcome'],
  });
  const onPhase = (event: ShutdownEventLike | string, durationMs?: number): void => {
    const phase = typeof event === 'string' ? event : (event.phase ?? event.name);
    const ms = typeof event === 'string' ? durationMs : event.durationMs;
    if (phase === undefined || ms === undefined || !Number.isFinite(ms)) return;
    phases.set({ phase }, ms / 1000);
  };
  const onHook = (event: ShutdownEventLike): void => {
    const hook = event.hook ?? event.name;
    if (hook === undefined || event.durationMs === undefined || !Number.isFinite(event.durationMs))
      return;
    hooks.set({ hook, outcome: outcomeOf(event) }, event.durationMs / 1000);
  };
  shutdown.on('phase', onPhase);
  shutdown.on('hook', onHook);
  return () => {
    detach(shutdown, 'phase', onPhase);
    detach(shutdown, 'hook', onHook);
  };
}

function outcomeOf(event: ShutdownEventLike): string {
  if (typeof event.outcome === 'string') return event.outcome;
  if (typeof event.status === 'string') return event.status;
  if (event.timedOut === true) return 'timeout';
  return event.error === undefined || event.error === null ? 'ok' : 'error';
}
