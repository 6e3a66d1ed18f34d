import type { HttpServerLike } from './http-server-tracker.js';
import type { HookFn, HookOptions, ShutdownEvents, ShutdownState } from './types.js';

export interface AddHttpServerOptions {
  /** When connections still open are destroyed (the hook then counts as timed out). Default: `hookTimeoutMs`. */
  readonly timeoutMs?: number;
  /** A keep-alive connection that has served nothing for this long counts as idle. Default: the coordinator's `socketIdleMs`. */
  readonly socketIdleMs?: number;
}

export interface Shutdown {
  /** running → draining → stopping → stopped. */
  readonly state: ShutdownState;
  /** Aborts the moment shutdown starts; long work (polls, jobs) can watch it. */
  readonly signal: AbortSignal;
  /** Registers a hook; hooks run last-in-first-out. Returns a function that unregisters it. */
  add(name: string, fn: HookFn, options?: HookOptions): () => void;
  /** Registers a final hook (log flush, telemetry flush): runs after every other hook, whatever happened. */
  addFinal(name: string, fn: HookFn, options?: HookOptions): () => void;
  /** Registers a node:http / node:https server to drain (see `closeHttpServer`). Tracks its sockets from now on. */
  addHttpServer(name: string, server: HttpServerLike, options?: AddHttpServerOptions): () => void;
  /** Runs `fn` at once when shutdown starts (flip readiness here). */
  onDraining(fn: () => unknown): () => void;
  /** Starts a graceful shutdown from code; resolves once the exit function has been called. */
  shutdown(reason?: string): Promise<void>;
  /** Runs start-up; if it throws, closes what was registered so far (LIFO) and exits 1. */
  startup<T>(fn: () => Promise<T>): Promise<T>;
  on<K extends keyof ShutdownEvents>(event: K, listener: (event: ShutdownEvents[K]) => void): this;
  off<K extends keyof ShutdownEvents>(event: K, listener: (event: ShutdownEvents[K]) => void): this;
  /** Removes the process listeners (signals, uncaught errors) without shutting down. */
  dispose(): void;
}
