import type { Hook } from './run-hooks.js';
import type { HookFn, HookOptions } from './types.js';

/** Registered hooks, kept in registration order; `ordered()` gives the run order (LIFO). */
export class HookRegistry {
  readonly #hooks: Hook[] = [];
  readonly #finals: Hook[] = [];

  add(final: boolean, name: string, fn: HookFn, options: HookOptions = {}): () => void {
    const list = final ? this.#finals : this.#hooks;
    const hook: Hook = {
      name,
      fn,
      timeoutMs: options.timeoutMs,
      onTimeout: options.onTimeout,
      final,
    };
    list.push(hook);
    return () => {
      const index = list.indexOf(hook);
      if (index >= 0) list.splice(index, 1);
    };
  }

  /** Names of the regular hooks in the order they would run. */
  names(): string[] {
    return this.ordered().hooks.map((hook) => hook.name);
  }

  ordered(): { hooks: Hook[]; finals: Hook[] } {
    return { hooks: [...this.#hooks].reverse(), finals: [...this.#finals].reverse() };
  }
}
