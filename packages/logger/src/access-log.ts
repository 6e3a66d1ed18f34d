import type { ServerResponse } from 'node:http';
import { trace, type Span } from '@opentelemetry/api';
import {
  createRequestLifecycle,
  type FinishedRequest,
  type LoggerLike,
  type RequestObserver,
} from '@shipshape/contracts';
import { ContextStore, currentStore } from './context.js';
import type { Middleware } from './http-types.js';
import { capturedWriter } from './logger.js';
import { Redactor } from './redact.js';

/** Options of `accessLog`. */
export interface AccessLogOptions {
  /** Paths (exact, query ignored) or patterns that are not logged: probes and metrics. */
  readonly exclude?: readonly (string | RegExp)[] | undefined;
  /** Query parameter names whose values are replaced, added to the shared secret keys. */
  readonly redactQuery?: readonly string[] | undefined;
}

export const ACCESS_LOG_DEFAULTS = {
  exclude: ['/livez', '/readyz', '/startupz', '/healthz', '/metrics'] as readonly (
    string | RegExp
  )[],
  redactQuery: [] as readonly string[],
} as const;

/**
 * The access log: a middleware that observes each request by itself, and a request observer
 * (`requestFinished`) that `requestContext({ observers: [accessLog(logger)] })` runs from its own
 * lifecycle instead, sharing one clock, one route and one `close` listener with the others.
 */
export type AccessLog = Middleware & RequestObserver;

/**
 * One line per finished request, in OpenTelemetry's HTTP attribute names (see the README's field
 * list): method, route template, path, query with secret values masked, status, duration, body
 * size, user agent and client address. 5xx at error, everything else at info. `logger` is this
 * package's logger (the fast path) or any winston, pino, bunyan or console logger.
 */
export function accessLog(logger: LoggerLike, options: AccessLogOptions = {}): AccessLog {
  const exact = new Set<string>();
  const patterns: RegExp[] = [];
  for (const item of options.exclude ?? ACCESS_LOG_DEFAULTS.exclude) {
    if (typeof item === 'string') exact.add(item);
    else patterns.push(item);
  }
  const redactor = new Redactor(options.redactQuery ?? ACCESS_LOG_DEFAULTS.redactQuery);
  const write = capturedWriter(logger);

  const observer: RequestObserver = {
    observes(path) {
      if (exact.has(path)) return false;
      for (const pattern of patterns) if (pattern.test(path)) return false;
      return true;
    },
    requestFinished(request: FinishedRequest) {
      const { res, statusCode } = request;
      const queryAt = request.url.indexOf('?');
      const declared = Number(res.getHeader('content-length'));
      const userAgent = request.req.headers['user-agent'];
      // One shape for every line (absent values are undefined, which no output writes).
      const fields = {
        'http.request.method': request.method,
        'http.request.method_original':
          request.method === '_OTHER' ? request.methodOriginal : undefined,
        'http.route': request.route,
        'http.response.status_code': statusCode,
        'url.path': request.path,
        'url.query':
          queryAt === -1 ? undefined : redactor.maskString(request.url.slice(queryAt)).slice(1),
        'http.server.request.duration': Math.round(request.durationSeconds * 1e6) / 1e6,
        'http.response.body.size':
          Number.isFinite(declared) && declared >= 0 ? declared : undefined,
        'user_agent.original': typeof userAgent === 'string' ? userAgent : undefined,
        'client.address': request.req.socket.remoteAddress,
        'error.type':
          statusCode >= 500 ? String(statusCode) : request.aborted ? 'aborted' : undefined,
      };
      const store =
        request.context instanceof ContextStore ? request.context : responseIdStore(res);
      write(
        statusCode >= 500 ? 'error' : 'info',
        `${request.methodOriginal} ${request.route} ${String(statusCode)}`,
        fields,
        store,
        request.span as Span | undefined,
      );
    },
  };
  const lifecycle = createRequestLifecycle({
    observers: [observer],
    activeSpan: () => trace.getActiveSpan(),
  });
  const middleware: Middleware = (req, res, next) => {
    lifecycle.observe(req, res, currentStore());
    next();
  };
  return Object.assign(middleware, observer);
}

/** When accessLog runs outside requestContext, recover the id from the echoed response header. */
function responseIdStore(res: ServerResponse): ContextStore | undefined {
  const id = res.getHeader('x-request-id');
  return typeof id === 'string' ? new ContextStore({ request_id: id }) : undefined;
}
