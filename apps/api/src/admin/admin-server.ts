import type { IncomingMessage, ServerResponse } from 'node:http';
import { adminAccess } from './admin-access.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface AdminListenerOptions {
  /** Admin token (`ADMIN_TOKEN_FILE`); empty: changes and details from loopback callers only. */
  readonly token: string;
  /** Serves /livez, /readyz, /startupz, /healthz and calls next() for anything else. */
  readonly health: (req: IncomingMessage, res: ServerResponse, next?: () => void) => unknown;
  readonly metrics: Handler;
  readonly logLevel: Handler;
  /** The body of GET /admin/info (./admin-info.ts). */
  readonly info: () => Record<string, unknown>;
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
 * The admin port's request listener: probes, /metrics, /admin/log-level, /admin/info, behind
 * `adminAccess`. It is never exposed publicly (a Service of its own, or none: the kubelet and
 * Prometheus reach the pod directly).
 */
export function adminListener(options: AdminListenerOptions): Handler {
  const allowed = adminAccess(options.token);
  return (req, res) => {
    if (!allowed(req, res)) return;
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/metrics') return options.metrics(req, res);
    if (path === '/admin/log-level') return options.logLevel(req, res);
    if (path === '/admin/info') {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.setHeader('allow', 'GET, HEAD');
        return sendJson(res, 405, {
          type: 'about:blank',
          title: 'Method Not Allowed',
          status: 405,
        });
      }
      return sendJson(res, 200, options.info());
    }
    void options.health(req, res, () => {
      res.writeHead(404, { 'content-type': 'application/problem+json' });
      res.end(
        JSON.stringify({
          type: 'about:blank',
          title: 'Not Found',
          status: 404,
          detail:
            'Admin endpoints: /livez /readyz /startupz /healthz /metrics /admin/log-level /admin/info',
        }),
      );
    });
  };
}
