import type { GuardedHistogram } from './instruments.js';
import type { Labels } from './types.js';

/** The parts of a prom-client 15 Histogram this fast path reads (not in its typings). */
interface HistogramInternals {
  hashMap?: Record<string, SeriesValues | undefined>;
  upperBounds?: readonly number[];
  sortedLabelNames?: readonly string[];
  enableExemplars?: boolean;
  updateExemplar?: (labels: Labels, value: number, exemplarLabels: Labels) => void;
}

interface SeriesValues {
  sum: number;
  count: number;
  bucketValues: Record<string, number>;
}

/**
 * One label set of a guarded histogram, resolved once. The first observation (and any after the
 * series was removed or reset, or while it is folded into overflow) goes through the guard and
 * prom-client; later ones update the series' sum, count and bucket in place, which is exactly what
 * prom-client's observe does, without re-validating and re-hashing the labels every time.
 */
export class HistogramSeries {
  readonly #histogram: GuardedHistogram;
  readonly #labels: Labels;
  readonly #internals: HistogramInternals;
  readonly #hash: string | undefined;
  readonly #bucketKeys: readonly string[];
  #values: SeriesValues | undefined;

  constructor(histogram: GuardedHistogram, labels: Labels) {
    this.#histogram = histogram;
    this.#labels = labels;
    this.#internals = histogram.metric as unknown as HistogramInternals;
    const { hashMap, upperBounds, sortedLabelNames } = this.#internals;
    const usable =
      typeof hashMap === 'object' && Array.isArray(upperBounds) && Array.isArray(sortedLabelNames);
    this.#hash = usable ? promHash(labels, sortedLabelNames) : undefined;
    this.#bucketKeys = usable ? upperBounds.map(String) : [];
  }

  observe(value: number, traceId: string | undefined): void {
    const values = this.#values;
    const internals = this.#internals;
    if (
      values !== undefined &&
      internals.hashMap?.[this.#hash ?? ''] === values &&
      Number.isFinite(value)
    ) {
      values.sum += value;
      values.count += 1;
      const bounds = internals.upperBounds ?? [];
      for (let i = 0; i < bounds.length; i++) {
        if (value <= (bounds[i] ?? 0)) {
          const key = this.#bucketKeys[i] ?? '';
          values.bucketValues[key] = (values.bucketValues[key] ?? 0) + 1;
          break;
        }
      }
      if (traceId !== undefined && internals.enableExemplars === true) {
        internals.updateExemplar?.(this.#labels, value, { trace_id: traceId });
      }
      return;
    }
    this.#histogram.observeWithTrace(this.#labels, value, traceId);
    // Admitted under its own labels (not folded into overflow): the series now exists.
    this.#values = this.#hash === undefined ? undefined : internals.hashMap?.[this.#hash];
  }
}

/** prom-client's series key: `name:value,` for each label, in sorted name order. */
function promHash(labels: Labels, sortedLabelNames: readonly string[]): string {
  let hash = '';
  for (const name of sortedLabelNames) {
    const value = labels[name];
    if (value !== undefined) hash += `${name}:${String(value)},`;
  }
  return hash;
}
