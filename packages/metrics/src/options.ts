import type { Registry } from 'prom-client';
import { MetricsError } from './errors.js';
import { adaptLogger } from '@shipshape/contracts';
import type { MetricsLogger } from './types.js';

/** Options for `createMetrics`. Only `service` is required; defaults are in DEFAULTS. */
export interface MetricsOptions {
  /** `service` label on every series. */
  readonly service: string;
  /** `version` label on every series and in `build_info`. */
  readonly version?: string;
  /** Source revision shown in `build_info`. */
  readonly commit?: string;
  /** Registry to use; a fresh one (never prom-client's global) when absent. */
  readonly registry?: Registry;
  /** Node.js process metrics from prom-client (lint-breaking families dropped). */
  readonly defaultMetrics?: boolean;
  /** Most label sets one metric may hold before new ones fold into the overflow series. */
  readonly seriesLimit?: number;
  /** Longest stretch a scrape renders before yielding to the event loop. */
  readonly scrapeSliceMs?: number;
  /**
   * Read counters, gauges and histograms from prom-client's series state (checked once per class)
   * instead of copying them through `get()`. `false` renders every family through `get()`.
   */
  readonly scrapeFastPath?: boolean;
  /** Bound on each BullMQ queue read during a scrape. */
  readonly queueTimeoutMs?: number;
  /** Where collector failures are reported. */
  readonly logger?: MetricsLogger;
}

export const DEFAULTS = {
  version: 'unknown',
  commit: 'unknown',
  defaultMetrics: true,
  seriesLimit: 2000,
  scrapeSliceMs: 5,
  scrapeFastPath: true,
  queueTimeoutMs: 1000,
} as const;

export interface ResolvedMetricsOptions {
  readonly service: string;
  readonly version: string;
  readonly commit: string;
  readonly registry: Registry | undefined;
  readonly defaultMetrics: boolean;
  readonly seriesLimit: number;
  readonly scrapeSliceMs: number;
  readonly scrapeFastPath: boolean;
  readonly queueTimeoutMs: number;
  readonly logger: MetricsLogger | undefined;
}

export function resolveOptions(options: MetricsOptions): ResolvedMetricsOptions {
  const problems: string[] = [];
  if (typeof options.service !== 'string' || options.service === '')
    problems.push('service must be a non-empty string');
  const positive = (key: 'seriesLimit' | 'scrapeSliceMs' | 'queueTimeoutMs'): number => {
    const value = options[key] ?? DEFAULTS[key];
    if (!Number.isFinite(value) || value <= 0)
      problems.push(`${key} must be a positive number (got ${String(value)})`);
    return value;
  };
  const resolved: ResolvedMetricsOptions = {
    service: options.service,
    version: options.version ?? DEFAULTS.version,
    commit: options.commit ?? DEFAULTS.commit,
    registry: options.registry,
    defaultMetrics: options.defaultMetrics ?? DEFAULTS.defaultMetrics,
    seriesLimit: positive('seriesLimit'),
    scrapeSliceMs: positive('scrapeSliceMs'),
    scrapeFastPath: options.scrapeFastPath ?? DEFAULTS.scrapeFastPath,
    queueTimeoutMs: positive('queueTimeoutMs'),
    logger: options.logger === undefined ? undefined : adaptLogger(options.logger),
  };
  if (problems.length > 0) {
    throw new MetricsError(
      'METRICS_INVALID_OPTIONS',
      `createMetrics: ${problems.join('; ')}; fix the options passed to createMetrics()`,
    );
  }
  return resolved;
}
