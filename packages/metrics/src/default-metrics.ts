import { collectDefaultMetrics } from 'prom-client';
import type { Registry } from 'prom-client';

/**
 * prom-client default families dropped because `promtool check metrics` rejects them (gauges with a
 * `_total` suffix). Each equals `sum without (type) (<name without _total>)`.
 */
export const DROPPED_DEFAULT_METRICS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
] as const;

/**
 * Registers prom-client's Node.js metrics in `registry`, minus the dropped families, and returns
 * the names added so `stop()` can remove them again. Families already present are left alone.
 */
export function registerDefaultMetrics(registry: Registry): string[] {
  const before = new Set(registry.getMetricsAsArray().map((metric) => metric.name));
  if (!before.has('process_cpu_seconds_total')) {
    collectDefaultMetrics({ register: registry });
  }
  for (const name of DROPPED_DEFAULT_METRICS) {
    if (!before.has(name)) registry.removeSingleMetric(name);
  }
  return registry
    .getMetricsAsArray()
    .map((metric) => metric.name)
    .filter((name) => !before.has(name));
}
