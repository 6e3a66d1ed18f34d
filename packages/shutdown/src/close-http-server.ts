import { DEFAULTS } from './options.js';
import { trackHttpServer } from './http-server-tracker.js';
import type { HttpServerLike } from './http-server-tracker.js';

export interface CloseHttpServerOptions {
  /** When the connections still open are destroyed. Default 25000. */
  readonly timeoutMs?: number;
  /** A keep-alive connection that has served nothing for this long counts as idle and is closed. Default 250. */
  readonly socketIdleMs?: number;
}

export interface CloseHttpServerResult {
  /** Connections destroyed at the timeout (0 after a clean drain). */
  readonly destroyedConnections: number;
  readonly durationMs: number;
}

/**
 * Drains a node:http or node:https server: stop listening at once, close idle keep-alive sockets,
 * answer in-flight requests with `Connection: close`, destroy what is left at `timeoutMs`.
 */
export async function closeHttpServer(
  server: HttpServerLike,
  options: CloseHttpServerOptions = {},
): Promise<CloseHttpServerResult> {
  const startedAt = performance.now();
  const tracker = trackHttpServer(server);
  const closed = tracker.close(options.socketIdleMs ?? DEFAULTS.socketIdleMs);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => {
      resolve('timeout');
    }, options.timeoutMs ?? DEFAULTS.timeoutMs);
  });
  const first = await Promise.race([closed, timedOut]);
  clearTimeout(timer);
  let destroyedConnections = 0;
  if (first === 'timeout') {
    destroyedConnections = tracker.destroyAll();
    await closed;
  }
  return { destroyedConnections, durationMs: Math.round(performance.now() - startedAt) };
}
