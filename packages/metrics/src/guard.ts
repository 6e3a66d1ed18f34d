import type { Labels } from './types.js';

/** The label value every label of a folded (over-the-limit) series gets. */
export const OVERFLOW_LABEL_VALUE = '_overflow';

/**
 * Bounds the number of distinct label sets one metric may hold. Label sets seen before pass
 * through; past `limit`, new ones are folded into a single overflow series and `onOverflow` runs.
 */
export class CardinalityGuard {
  readonly #labelNames: readonly string[];
  readonly #limit: number;
  readonly #onOverflow: () => void;
  readonly #seen = new Set<string>();
  readonly #overflowLabels: Labels;

  constructor(labelNames: readonly string[], limit: number, onOverflow: () => void) {
    this.#labelNames = labelNames;
    this.#limit = limit;
    this.#onOverflow = onOverflow;
    this.#overflowLabels = Object.fromEntries(
      labelNames.map((name) => [name, OVERFLOW_LABEL_VALUE]),
    );
  }

  /** Number of distinct label sets admitted so far. */
  get size(): number {
    return this.#seen.size;
  }

  /** Returns `labels` when admitted, or the overflow label set. */
  admit(labels: Labels): Labels {
    if (this.#labelNames.length === 0) return labels;
    const key = this.#key(labels);
    if (this.#seen.has(key)) return labels;
    if (this.#seen.size < this.#limit) {
      this.#seen.add(key);
      return labels;
    }
    this.#onOverflow();
    return this.#overflowLabels;
  }

  /** Forgets one label set (after its series was removed). */
  forget(labels: Labels): void {
    this.#seen.delete(this.#key(labels));
  }

  clear(): void {
    this.#seen.clear();
  }

  #key(labels: Labels): string {
    let key = '';
    for (const name of this.#labelNames) key += `${labels[name] ?? ''}\u0000`;
    return key;
  }
}
