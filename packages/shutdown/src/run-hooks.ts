import type { ShutdownEmitter } from './emitter.js';
import { runWithTimeout } from './run-with-timeout.js';
import type { HookFn, ShutdownLogger } from './types.js';

export interface Hook {
  readonly name: string;
  readonly fn: HookFn;
  readonly timeoutMs: number | undefined;
  readonly onTimeout: HookFn | undefined;
  readonly final: boolean;
}

export interface RunHooksContext {
  readonly logger: ShutdownLogger;
  readonly emitter: ShutdownEmitter;
  readonly defaultTimeoutMs: number;
  /** `performance.now()` value after which no hook may still be awaited. */
  readonly deadline: number;
  /** Hooks not started yet; the runner removes each as it starts. */
  readonly pending: Set<Hook>;
  /** Hooks started and not settled (a timed-out hook stays here until it really settles). */
  readonly unfinished: Set<Hook>;
}

export interface RunHooksResult {
  readonly failed: boolean;
  readonly deadlinePassed: boolean;
}

async function runFallback(hook: Hook, context: RunHooksContext): Promise<void> {
  if (!hook.onTimeout) return;
  context.logger.warn(`shutdown hook "${hook.name}" timed out: running its onTimeout fallback`, {
    hook: hook.name,
  });
  const result = await runWithTimeout(hook.onTimeout, context.deadline - performance.now());
  if (result.outcome === 'error') {
    context.logger.error(`onTimeout fallback of shutdown hook "${hook.name}" failed`, {
      hook: hook.name,
      err: result.error,
    });
  }
}

/** Runs `hooks` one after the other, in the order given, each bounded by its timeout and the deadline. */
export async function runHooks(
  hooks: readonly Hook[],
  context: RunHooksContext,
): Promise<RunHooksResult> {
  const { logger, emitter } = context;
  let failed = false;
  for (const hook of hooks) {
    const remaining = context.deadline - performance.now();
    if (remaining <= 0) return { failed: true, deadlinePassed: true };
    const ownTimeoutMs = hook.timeoutMs ?? context.defaultTimeoutMs;
    const cutByDeadline = remaining < ownTimeoutMs;
    context.pending.delete(hook);
    context.unfinished.add(hook);
    logger.debug(`shutdown hook "${hook.name}" started`, { hook: hook.name });
    const result = await runWithTimeout(hook.fn, Math.min(ownTimeoutMs, remaining), () => {
      context.unfinished.delete(hook);
    });
    const fields = { hook: hook.name, durationMs: result.durationMs, final: hook.final };
    if (result.outcome === 'ok') {
      logger.debug(`shutdown hook "${hook.name}" finished in ${result.durationMs} ms`, fields);
      emitter.emit('hook', { ...fields, name: hook.name, outcome: 'ok' });
      continue;
    }
    failed = true;
    if (result.outcome === 'error') {
      logger.error(
        `shutdown hook "${hook.name}" failed after ${result.durationMs} ms; continuing with the next one`,
        {
          ...fields,
          err: result.error,
        },
      );
      emitter.emit('hook', { ...fields, name: hook.name, outcome: 'error', error: result.error });
      continue;
    }
    const why = cutByDeadline ? 'the shutdown deadline' : `its own timeout of ${ownTimeoutMs} ms`;
    logger.error(
      `shutdown hook "${hook.name}" did not finish within ${why} (${result.durationMs} ms)`,
      {
        ...fields,
        timeoutMs: cutByDeadline ? Math.round(remaining) : ownTimeoutMs,
      },
    );
    emitter.emit('hook', { ...fields, name: hook.name, outcome: 'timeout' });
    await runFallback(hook, context);
    if (cutByDeadline) return { failed, deadlinePassed: true };
  }
  return { failed, deadlinePassed: false };
}
