import type { IncomingMessage, ServerResponse } from 'node:http';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface AdminRoutes {
  /** Serves /livez, /readyz, /startupz, /healthz and calls next() for anything else. */
  readonly health: (req: IncomingMessage, res: ServerResponse, next?: () => void) => unknown;
  readonly metrics: Handler;
  readonly logLevel: Handler;
  readonly info: Handler;
}

/**
 * The admin port's request listener: probes, /metrics, /admin/log-level, /admin/info.
 * It is never exposed publicly (a Service of its own, or none: the kubelet and Prometheus reach
 * the pod directly).
 */
export function adminListener(routes: AdminRoutes): Handler {
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/metrics') return routes.metrics(req, res);
    if (path === '/admin/log-level') return routes.logLevel(req, res);
    if (path === '/admin/info') return routes.info(req, res);
    void routes.health(req, res, () => {
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
