import { createServer, type RequestListener, type Server } from 'node:http';

export interface ServerTimeouts {
  /** Whole request (headers and body) must arrive within this. */
  readonly requestTimeoutMs?: number;
  /** Request headers must arrive within this. */
  readonly headersTimeoutMs?: number;
  /** How long an idle keep-alive connection stays open. */
  readonly keepAliveTimeoutMs?: number;
}

export const SERVER_TIMEOUT_DEFAULTS = {
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  keepAliveTimeoutMs: 65_000,
} as const;

/**
 * A node:http server with every timeout chosen on purpose rather than inherited:
 *
 * - requestTimeout: a slow or stalled upload (slowloris) holds a socket and memory; 30 s is far
 *   more than a 100 kB JSON body needs. It bounds receiving the request only, so a 30 s long poll
 *   (sending the response) is unaffected.
 * - headersTimeout: headers are small; 10 s ends a connection that trickles them.
 * - keepAliveTimeout: LONGER than the idle timeout of the load balancer in front (AWS ALB 60 s,
 *   GCP 600 s is configurable, nginx upstream keepalive_timeout 60 s). If the app closed an idle
 *   connection first, the balancer could send a request on it at that instant and get a reset
 *   (a 502 for the client). At 65 s the balancer always closes first.
 * - server.timeout (socket inactivity) stays 0: the timeouts above cover every idle state, and a
 *   long poll must not be cut by an inactivity timer.
 */
export function createHttpServer(listener: RequestListener, timeouts: ServerTimeouts = {}): Server {
  const server = createServer(listener);
  server.requestTimeout = timeouts.requestTimeoutMs ?? SERVER_TIMEOUT_DEFAULTS.requestTimeoutMs;
  server.headersTimeout = Math.min(
    timeouts.headersTimeoutMs ?? SERVER_TIMEOUT_DEFAULTS.headersTimeoutMs,
    server.requestTimeout || Number.MAX_SAFE_INTEGER,
  );
  server.keepAliveTimeout =
    timeouts.keepAliveTimeoutMs ?? SERVER_TIMEOUT_DEFAULTS.keepAliveTimeoutMs;
  server.timeout = 0;
  return server;
}

/**
 * `server.listen` as a promise; a failure (EADDRINUSE, EACCES, …) names the address and the
 * variable that moves it, so a busy port is one clear line.
 */
export function listen(
  server: Server,
  port: number,
  host: string,
  variable: string,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      const why =
        error.code === 'EADDRINUSE' ? 'the port is already in use' : (error.code ?? error.message);
      reject(
        new Error(`could not listen on ${host}:${port}: ${why}; set ${variable} to a free port`, {
          cause: error,
        }),
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}
