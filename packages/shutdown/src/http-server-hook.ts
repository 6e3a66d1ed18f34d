import { trackHttpServer } from './http-server-tracker.js';
import type { HttpServerLike } from './http-server-tracker.js';
import type { HookFn, HookOptions, ShutdownLogger } from './types.js';

export interface HttpServerHookOptions {
  readonly socketIdleMs: number;
  readonly timeoutMs?: number;
}

/**
 * The hook that drains one server: starts tracking its connections now, closes the listener when the
 * hook runs, and destroys what is left when the hook times out (its `onTimeout` fallback).
 */
export function httpServerHook(
  name: string,
  server: HttpServerLike,
  logger: ShutdownLogger,
  options: HttpServerHookOptions,
): { fn: HookFn; options: HookOptions } {
  const tracker = trackHttpServer(server);
  const fn = (): Promise<void> =>
    tracker.close(options.socketIdleMs, () => {
      logger.debug(
        `http server "${name}" stopped listening; draining ${tracker.connections} open connection(s)`,
        {
          hook: name,
          connections: tracker.connections,
        },
      );
    });
  const onTimeout = (): void => {
    const destroyed = tracker.destroyAll();
    logger.warn(
      `http server "${name}": destroyed ${destroyed} connection(s) still open at the timeout`,
      {
        hook: name,
        destroyedConnections: destroyed,
      },
    );
  };
  return {
    fn,
    options: {
      onTimeout,
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    },
  };
}
