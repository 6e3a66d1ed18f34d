import type { HookFn } from './types.js';

export type TimedResult =
  | { readonly outcome: 'ok'; readonly durationMs: number }
  | { readonly outcome: 'error'; readonly durationMs: number; readonly error: unknown }
  | { readonly outcome: 'timeout'; readonly durationMs: number };

/**
 * Runs `fn` (sync or async) and settles with its outcome, or with `timeout` after `timeoutMs`.
 * A timed-out `fn` keeps running; `onSettled` still fires when it eventually settles.
 */
export function runWithTimeout(
  fn: HookFn,
  timeoutMs: number,
  onSettled?: () => void,
): Promise<TimedResult> {
  const startedAt = performance.now();
  const elapsed = (): number => Math.round(performance.now() - startedAt);
  const work = new Promise<unknown>((resolve) => {
    resolve(fn());
  });
  void work.then(onSettled, onSettled);
  return new Promise<TimedResult>((resolve) => {
    const timer = setTimeout(
      () => {
        resolve({ outcome: 'timeout', durationMs: elapsed() });
      },
      Math.max(0, timeoutMs),
    );
    work.then(
      () => {
        clearTimeout(timer);
        resolve({ outcome: 'ok', durationMs: elapsed() });
      },
      (error: unknown) => {
        clearTimeout(timer);
        resolve({ outcome: 'error', durationMs: elapsed(), error });
      },
    );
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
