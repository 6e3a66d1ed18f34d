import type { IncomingMessage, ServerResponse } from 'node:http';
import type { VerbosePolicy } from './options.js';
import { brief } from './response.js';
import type { HealthResponse, HealthLogger, RunTarget } from './types.js';
import { verboseAllowed } from './verbose.js';

/** node:http and Express compatible: unknown paths go to `next()` when given, else 404. */
export type HealthHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  next?: (error?: unknown) => void,
) => void;

export const PROBE_PATHS: Readonly<Record<string, RunTarget>> = {
  '/livez': 'liveness',
  '/readyz': 'readiness',
  '/startupz': 'startup',
  '/healthz': 'health',
};

interface HandlerDeps {
  readonly run: (target: RunTarget) => Promise<HealthResponse>;
  readonly verbose: VerbosePolicy;
  readonly logger: HealthLogger | undefined;
}

function send(req: IncomingMessage, res: ServerResponse, statusCode: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(statusCode, {
    'Content-Type': 'application/health+json; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(payload),
  });
  res.end(req.method === 'HEAD' ? undefined : payload);
}

export function createHandler(deps: HandlerDeps): HealthHandler {
  return (req, res, next) => {
    const url = new URL(req.url ?? '/', 'http://health.invalid');
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
    const target = PROBE_PATHS[path];
    if (target === undefined) {
      if (next) {
        next();
        return;
      }
      res.writeHead(404, {
        'Content-Type': 'text/plain; charset=utf-8',
        'Cache-Control': 'no-store',
      });
      res.end('not found\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Cache-Control': 'no-store' });
      res.end();
      return;
    }
    const verbose = verboseAllowed(deps.verbose, url.searchParams, req.headers);
    deps.run(target).then(
      (response) => {
        send(
          req,
          res,
          response.status === 'fail' ? 503 : 200,
          verbose ? response : brief(response),
        );
      },
      (error: unknown) => {
        deps.logger?.error('health: evaluating a probe failed unexpectedly; answering fail', {
          probe: target,
          error: error instanceof Error ? error.message : String(error),
        });
        send(req, res, 503, { status: 'fail', output: 'health evaluation failed' });
      },
    );
  };
}
