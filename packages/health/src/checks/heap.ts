import { getHeapStatistics } from 'node:v8';
import { HealthError } from '../errors.js';
import type { HealthCheck } from '../types.js';

export interface HeapCheckOptions {
  /** Warn when used heap / heap size limit reaches this ratio (0 < ratio <= 1). Default 0.9. */
  readonly warnRatio?: number;
}

const HEAP_DEFAULTS = { warnRatio: 0.9 } as const;

const mib = (bytes: number): number => Math.round(bytes / 1048576);

/** Warns (never fails) when the V8 heap is close to its limit (`--max-old-space-size`). */
export function heapCheck(options: HeapCheckOptions = {}): HealthCheck {
  const warnRatio = options.warnRatio ?? HEAP_DEFAULTS.warnRatio;
  if (!Number.isFinite(warnRatio) || warnRatio <= 0 || warnRatio > 1) {
    throw new HealthError(
      'HEALTH_INVALID_OPTION',
      `health: heapCheck option warnRatio must be a number in (0, 1], got ${String(warnRatio)}.`,
    );
  }
  return () => {
    const stats = getHeapStatistics();
    const ratio = stats.used_heap_size / stats.heap_size_limit;
    const details = {
      heapUsedBytes: stats.used_heap_size,
      heapLimitBytes: stats.heap_size_limit,
      heapUsedRatio: Math.round(ratio * 1000) / 1000,
    };
    if (ratio >= warnRatio) {
      return Promise.resolve({
        status: 'warn',
        output: `heap is ${Math.round(ratio * 100)}% of its limit (${mib(stats.used_heap_size)} MiB of ${mib(stats.heap_size_limit)} MiB); raise --max-old-space-size or look for a leak`,
        ...details,
      });
    }
    return Promise.resolve(details);
  };
}

export { HEAP_DEFAULTS };
