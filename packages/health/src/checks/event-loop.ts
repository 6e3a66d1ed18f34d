import { monitorEventLoopDelay } from 'node:perf_hooks';
import { HealthError } from '../errors.js';
import type { HealthCheck } from '../types.js';

export interface EventLoopDelayCheckOptions {
  /** Fail when the 99th percentile delay since the previous run exceeds this (ms). Default 1000. */
  readonly maxMs?: number;
  /** Sampling resolution of the histogram (ms). Default 20. */
  readonly resolutionMs?: number;
}

const EVENT_LOOP_DEFAULTS = { maxMs: 1000, resolutionMs: 20 } as const;

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new HealthError(
      'HEALTH_INVALID_OPTION',
      `health: eventLoopDelayCheck option ${name} must be a positive number of ms, got ${String(value)}.`,
    );
  }
  return value;
}

const round = (ns: number): number => Math.round(ns / 1e4) / 100;

/**
 * Measures event loop delay with perf_hooks' monitorEventLoopDelay and fails when the p99 delay since
 * the previous run is above `maxMs`. Each call starts a new window.
 */
export function eventLoopDelayCheck(options: EventLoopDelayCheckOptions = {}): HealthCheck {
  const maxMs = positive('maxMs', options.maxMs ?? EVENT_LOOP_DEFAULTS.maxMs);
  const resolution = positive(
    'resolutionMs',
    options.resolutionMs ?? EVENT_LOOP_DEFAULTS.resolutionMs,
  );
  const histogram = monitorEventLoopDelay({ resolution: Math.max(1, Math.round(resolution)) });
  histogram.enable();
  return () => {
    const p99Ms = round(histogram.percentile(99));
    const details = { delayP99Ms: p99Ms, delayMaxMs: round(histogram.max), thresholdMs: maxMs };
    histogram.reset();
    if (p99Ms > maxMs) {
      return Promise.reject(
        new Error(
          `event loop delay p99 is ${p99Ms} ms, above maxMs ${maxMs} ms: the process is blocked or overloaded`,
        ),
      );
    }
    return Promise.resolve(details);
  };
}

export { EVENT_LOOP_DEFAULTS };
