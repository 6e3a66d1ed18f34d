import type { InstrumentFactory } from './instruments.js';
import { detach } from './types.js';
import type { EventSourceLike, Teardown } from './types.js';

/** The event @shipshape/health emits per check run. */
export interface HealthCheckEvent {
  readonly probe: string;
  readonly name: string;
  readonly status: string;
  readonly durationMs: number;
}

const STATUS_VALUES: Readonly<Record<string, number>> = { pass: 1, warn: 0.5, fail: 0 };

/** Mirrors health check results into `health_check_status` and `health_check_duration_seconds`. */
export function observeHealth(factory: InstrumentFactory, health: EventSourceLike): Teardown {
  const status = factory.gauge({
    name: 'health_check_status',
    help: 'Result of the last run of a health check: 1 pass, 0.5 warn, 0 fail.',
    labelNames: ['probe', 'check'],
  });
  const duration = factory.gauge({
    name: 'health_check_duration_seconds',
    help: 'Duration of the last run of a health check.',
    labelNames: ['probe', 'check'],
  });
  const onCheck = (event: HealthCheckEvent): void => {
    if (typeof event.probe !== 'string' || typeof event.name !== 'string') return;
    const labels = { probe: event.probe, check: event.name };
    status.set(labels, STATUS_VALUES[event.status] ?? 0);
    if (Number.isFinite(event.durationMs)) duration.set(labels, event.durationMs / 1000);
  };
  health.on('check', onCheck);
  return () => {
    detach(health, 'check', onCheck);
  };
}
