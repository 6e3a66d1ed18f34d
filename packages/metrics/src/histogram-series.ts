import type { GuardedHistogram } from './instruments.js';
import { checkWritePath, observeInPlace, promHash } from './prom-internals.js';
import type { MetricInternals, SeriesState } from './prom-internals.js';
import type { Labels } from './types.js';

interface HistogramInternals extends MetricInternals {
  updateExemplar?: (labels: Labels, value: number, exemplarLabels: Labels) => void;
}

/**
 * One label set of a guarded histogram, resolved once. The first observation (and any after the
 * series was removed or reset, or while it is folded into overflow) goes through the guard and
 * prom-client; later ones update the series' sum, count and bucket in place, which is exactly what
 * prom-client's observe does, without re-validating and re-hashing the labels every time. The
 * in-place update is used only for histogram classes `checkWritePath` accepted.
 */
export class HistogramSeries {
  readonly #histogram: GuardedHistogram;
  readonly #labels: Labels;
  readonly #internals: HistogramInternals;
  readonly #hash: string | undefined;
  readonly #bucketKeys: readonly string[];
  #values: SeriesState | undefined;

  constructor(histogram: GuardedHistogram, labels: Labels) {
    this.#histogram = histogram;
    this.#labels = labels;
    this.#internals = histogram.metric as unknown as HistogramInternals;
    const { upperBounds, sortedLabelNames } = this.#internals;
    const usable =
      checkWritePath(this.#internals.constructor).ok &&
      Array.isArray(upperBounds) &&
      Array.isArray(sortedLabelNames);
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
      observeInPlace(values, internals.upperBounds ?? [], this.#bucketKeys, value);
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
