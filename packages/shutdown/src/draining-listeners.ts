import type { ShutdownLogger } from './types.js';

/** Listeners run the moment shutdown starts; a failing one is logged, never awaited or rethrown. */
export class DrainingListeners {
  readonly #listeners = new Set<() => unknown>();

  add(listener: () => unknown): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  runAll(logger: ShutdownLogger): void {
    const report = (error: unknown): void => {
      logger.error('a draining listener failed; shutdown continues', { err: error });
    };
    for (const listener of this.#listeners) {
      try {
        const result = listener();
        if (result instanceof Promise) result.catch(report);
      } catch (error) {
        report(error);
      }
    }
  }
}
