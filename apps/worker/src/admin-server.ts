import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { adminAccess } from './admin-access.js';

export type NodeHandler = (req: IncomingMessage, res: ServerResponse, next?: () => void) => unknown;

export interface AdminRoutes {
  /** Admin token (`ADMIN_TOKEN_FILE`); empty: changes and details from loopback callers only. */
  readonly token: string;
  /** Serves /livez, /readyz, /startupz, /healthz; calls `next` for anything else. */
  readonly health: NodeHandler;
  readonly metrics: NodeHandler;
  readonly logLevel: NodeHandler;
  readonly info: () => Record<string, unknown>;
  /** The queue board (src/queue-board.ts), served at `path` and below; absent: 404 there. */
  readonly board?: { readonly path: string; readonly handler: NodeHandler };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': status >= 400 ? 'application/problem+json' : 'application/json',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

/**
 * The admin port: probes, metrics, log levels, build info and the queue board behind `adminAccess`,
 * never the public surface. A handler that throws answers 500 without internals instead of taking
 * the process down.
 */
export function createAdminServer(routes: AdminRoutes): Server {
  const notFound = (req: IncomingMessage, res: ServerResponse) => {
    sendJson(res, 404, {
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: `no admin endpoint at ${req.method ?? 'GET'} ${(req.url ?? '/').split('?')[0] ?? '/'}`,
    });
  };
  const allowed = adminAccess(routes.token);
  const server = createServer((req, res) => {
    if (!allowed(req, res)) return;
    const path = new URL(req.url ?? '/', 'http://admin').pathname;
    const route = (): unknown => {
      if (path === '/metrics') return routes.metrics(req, res);
      if (path === '/admin/log-level') return routes.logLevel(req, res);
      const board = routes.board;
      if (board !== undefined && (path === board.path || path.startsWith(`${board.path}/`))) {
        return board.handler(req, res, () => notFound(req, res));
      }
      if (path === '/admin/info') {
        if (req.method !== 'GET' && req.method !== 'HEAD') {
          res.setHeader('allow', 'GET, HEAD');
          sendJson(res, 405, { type: 'about:blank', title: 'Method Not Allowed', status: 405 });
          return;
        }
        sendJson(res, 200, routes.info());
        return;
      }
      return routes.health(req, res, () => notFound(req, res));
    };
    Promise.resolve()
      .then(route)
      .catch(() => {
        if (!res.headersSent) {
          sendJson(res, 500, { type: 'about:blank', title: 'Internal Server Error', status: 500 });
        } else res.destroy();
      });
  });
  server.headersTimeout = 5_000;
  server.requestTimeout = 10_000;
  return server;
}
