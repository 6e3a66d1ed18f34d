import { inspect } from 'node:util';
import { DrainingListeners } from './draining-listeners.js';
import { ShutdownEmitter } from './emitter.js';
import { HookRegistry } from './hook-registry.js';
import { httpServerHook } from './http-server-hook.js';
import type { HttpServerLike } from './http-server-tracker.js';
import { resolveShutdownOptions } from './options.js';
import type { ResolvedShutdownOptions, ShutdownOptions } from './options.js';
import { runHooks } from './run-hooks.js';
import type { Hook } from './run-hooks.js';
import { sleep } from './run-with-timeout.js';
import { ProcessListeners } from './process-listeners.js';
import type { AddHttpServerOptions, Shutdown } from './shutdown-api.js';
import type { HookFn, HookOptions, ShutdownEvents, ShutdownState } from './types.js';

interface RunRequest {
  readonly reason: string;
  readonly crash: boolean;
  readonly drain: boolean;
}

function names(hooks: Iterable<Hook>): string[] {
  return [...hooks].map((hook) => hook.name);
}

class ShutdownCoordinator implements Shutdown {
  readonly #options: ResolvedShutdownOptions;
  readonly #emitter: ShutdownEmitter;
  readonly #abort = new AbortController();
  readonly #registry = new HookRegistry();
  readonly #drainingListeners = new DrainingListeners();
  readonly #pending = new Set<Hook>();
  readonly #unfinished = new Set<Hook>();
  readonly #processListeners = new ProcessListeners();
  #state: ShutdownState = 'running';
  #crashed = false;
  #startupError: unknown = undefined;
  #exited = false;
  #done: Promise<void> | undefined;
  #safetyTimer: NodeJS.Timeout | undefined;

  constructor(options: ResolvedShutdownOptions) {
    this.#options = options;
    this.#emitter = new ShutdownEmitter((error) => {
      options.logger.error('a shutdown event listener threw; ignored', { err: error });
    });
    for (const signal of options.signals)
      this.#processListeners.add(signal, () => this.#onSignal(signal));
    if (options.handleUncaught) {
      this.#processListeners.add('uncaughtException', (error: unknown) =>
        this.#onCrash('uncaughtException', error),
      );
      this.#processListeners.add('unhandledRejection', (reason: unknown) =>
        this.#onCrash('unhandledRejection', reason),
      );
    }
  }

  get state(): ShutdownState {
    return this.#state;
  }

  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  dispose(): void {
    this.#processListeners.removeAll();
  }

  #register(final: boolean, name: string, fn: HookFn, options?: HookOptions): () => void {
    if (this.#state === 'stopping' || this.#state === 'stopped') {
      this.#options.logger.warn(
        `shutdown hook "${name}" registered while ${this.#state}: it will not run`,
        {
          hook: name,
        },
      );
      return () => undefined;
    }
    return this.#registry.add(final, name, fn, options);
  }

  add(name: string, fn: HookFn, options?: HookOptions): () => void {
    return this.#register(false, name, fn, options);
  }

  addFinal(name: string, fn: HookFn, options?: HookOptions): () => void {
    return this.#register(true, name, fn, options);
  }

  addHttpServer(
    name: string,
    server: HttpServerLike,
    options: AddHttpServerOptions = {},
  ): () => void {
    const hook = httpServerHook(name, server, this.#options.logger, {
      socketIdleMs: this.#options.socketIdleMs,
      ...options,
    });
    return this.add(name, hook.fn, hook.options);
  }

  onDraining(fn: () => unknown): () => void {
    return this.#drainingListeners.add(fn);
  }

  on<K extends keyof ShutdownEvents>(event: K, listener: (event: ShutdownEvents[K]) => void): this {
    this.#emitter.on(event, listener);
    return this;
  }

  off<K extends keyof ShutdownEvents>(
    event: K,
    listener: (event: ShutdownEvents[K]) => void,
  ): this {
    this.#emitter.off(event, listener);
    return this;
  }

  shutdown(reason = 'shutdown requested by the application'): Promise<void> {
    return this.#run({ reason, crash: false, drain: true });
  }

  async startup<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      this.#startupError = error;
      this.#options.logger.error(
        'startup failed: closing what was opened so far, then exiting with code 1',
        {
          err: error,
          registeredHooks: this.#registry.names(),
        },
      );
      await this.#run({ reason: 'startup failure', crash: true, drain: false });
      throw error;
    }
  }

  #onSignal(signal: NodeJS.Signals): void {
    if (this.#state === 'running') {
      this.#options.logger.info(`received ${signal}: shutting down gracefully`, { signal });
      void this.#run({ reason: signal, crash: false, drain: true });
      return;
    }
    this.#forceExit(`received ${signal} again while ${this.#state}: forcing exit now`, { signal });
  }

  #onCrash(kind: 'uncaughtException' | 'unhandledRejection', error: unknown): void {
    this.#options.logger.error(`${kind}: shutting down, exit code will be 1`, {
      err: error,
      stack: error instanceof Error ? error.stack : String(error),
      origin: kind,
    });
    void this.#run({ reason: kind, crash: true, drain: true });
  }

  #forceExit(message: string, fields: Record<string, unknown>): void {
    this.#options.logger.error(message, {
      ...fields,
      unfinishedHooks: [...names(this.#unfinished), ...names(this.#pending)],
      activeResources: process.getActiveResourcesInfo(),
    });
    this.#exit(1);
  }

  #exit(code: number): void {
    if (this.#exited) return;
    this.#exited = true;
    this.#state = 'stopped';
    clearTimeout(this.#safetyTimer);
    this.dispose();
    this.#options.exit(code);
  }

  #run(request: RunRequest): Promise<void> {
    if (request.crash) this.#crashed = true;
    this.#done ??= this.#sequence(request);
    return this.#done;
  }

  #startDraining(reason: string): void {
    this.#state = 'draining';
    this.#abort.abort(new DOMException(`shutdown started: ${reason}`, 'AbortError'));
    this.#drainingListeners.runAll(this.#options.logger);
  }

  #phaseDone(phase: 'drain' | 'hooks' | 'final', startedAt: number): void {
    const durationMs = Math.round(performance.now() - startedAt);
    this.#options.logger.debug(`shutdown phase "${phase}" finished in ${durationMs} ms`, {
      phase,
      durationMs,
    });
    this.#emitter.emit('phase', { phase, durationMs });
  }

  async #sequence(request: RunRequest): Promise<void> {
    const { logger, timeoutMs, drainDelayMs, finalTimeoutMs, hookTimeoutMs } = this.#options;
    const startedAt = performance.now();
    const deadline = startedAt + timeoutMs;
    const drainMs = request.drain ? drainDelayMs : 0;
    this.#safetyTimer = setTimeout(
      () => {
        this.#forceExit(
          'shutdown did not complete within timeoutMs + finalTimeoutMs: forcing exit',
          {},
        );
      },
      timeoutMs + finalTimeoutMs + 1000,
    );
    logger.info(
      `shutdown started (${request.reason}); drain delay ${drainMs} ms, deadline ${timeoutMs} ms`,
      {
        reason: request.reason,
        drainDelayMs: drainMs,
        timeoutMs,
      },
    );
    this.#startDraining(request.reason);
    await sleep(drainMs);
    this.#phaseDone('drain', startedAt);

    this.#state = 'stopping';
    const hooksStartedAt = performance.now();
    const { hooks, finals } = this.#registry.ordered();
    for (const hook of [...hooks, ...finals]) this.#pending.add(hook);
    const context = {
      logger,
      emitter: this.#emitter,
      pending: this.#pending,
      unfinished: this.#unfinished,
    };
    const main = await runHooks(hooks, { ...context, defaultTimeoutMs: hookTimeoutMs, deadline });
    this.#phaseDone('hooks', hooksStartedAt);
    if (main.deadlinePassed) {
      logger.error(
        `shutdown deadline of ${timeoutMs} ms passed: abandoning the hooks that had not finished`,
        {
          timeoutMs,
          unfinishedHooks: [
            ...names(this.#unfinished),
            ...names([...this.#pending].filter((hook) => !hook.final)),
          ],
          activeResources: process.getActiveResourcesInfo(),
        },
      );
    }
    let exitCode = this.#crashed || main.failed || main.deadlinePassed ? 1 : 0;
    const durationMs = Math.round(performance.now() - startedAt);
    if (this.#startupError === undefined) {
      logger.info(
        `shutdown complete in ${durationMs} ms (${hooks.length} hooks); running final hooks, then exit code ${exitCode}`,
        {
          reason: request.reason,
          durationMs,
          exitCode,
        },
      );
    } else {
      // What failed is said last, after the closing lines, where a reader of a terminal looks.
      const cause = this.#startupError;
      logger.error(
        `start-up failed: ${cause instanceof Error ? cause.message : typeof cause === 'string' ? cause : inspect(cause)}; exiting with code ${exitCode}`,
        { durationMs, exitCode },
      );
    }

    const finalStartedAt = performance.now();
    const finalDeadline = finalStartedAt + finalTimeoutMs;
    const final = await runHooks(finals, {
      ...context,
      defaultTimeoutMs: finalTimeoutMs,
      deadline: finalDeadline,
    });
    this.#phaseDone('final', finalStartedAt);
    if (final.failed || this.#crashed) exitCode = 1;
    this.#exit(exitCode);
  }
}

/** Creates the shutdown coordinator and starts listening for the configured signals. */
export function createShutdown(options: ShutdownOptions = {}): Shutdown {
  return new ShutdownCoordinator(resolveShutdownOptions(options));
}
