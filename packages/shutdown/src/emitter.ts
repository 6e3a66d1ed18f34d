import type { ShutdownEvents } from './types.js';

type Listener<K extends keyof ShutdownEvents> = (event: ShutdownEvents[K]) => void;

/** A tiny typed emitter: a throwing listener is reported, never allowed to break the shutdown. */
export class ShutdownEmitter {
  readonly #listeners: { [K in keyof ShutdownEvents]: Set<Listener<K>> } = {
    phase: new Set(),
    hook: new Set(),
  };
  readonly #onListenerError: (error: unknown) => void;

  constructor(onListenerError: (error: unknown) => void) {
    this.#onListenerError = onListenerError;
  }

  on<K extends keyof ShutdownEvents>(event: K, listener: Listener<K>): void {
    (this.#listeners[event] as Set<Listener<K>>).add(listener);
  }

  off<K extends keyof ShutdownEvents>(event: K, listener: Listener<K>): void {
    (this.#listeners[event] as Set<Listener<K>>).delete(listener);
  }

  emit<K extends keyof ShutdownEvents>(event: K, payload: ShutdownEvents[K]): void {
    for (const listener of this.#listeners[event] as Set<Listener<K>>) {
      try {
        listener(payload);
      } catch (error) {
        this.#onListenerError(error);
      }
    }
  }
}
