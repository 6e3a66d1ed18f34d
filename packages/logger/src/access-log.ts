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
import { capturedWriter, prebuiltWriter, type LogFields } from './logger.js';
import { Redactor } from './redact.js';

/** Options of `accessLog`. */
export interface AccessLogOptions {
  /** Paths (exact, query ignored) or patterns that are not logged: probes and metrics. */
  readonly exclude?: readonly (string | RegExp)[] | undefined;
  /** Query parameter names whose values are replaced, added to the shared secret keys. */
  readonly redactQuery?: readonly string[] | undefined;
}

/** The fields of an access line, in order (the README's table). */
const ACCESS_LOG_FIELDS: readonly string[] = [
  'http.request.method',
  'http.request.method_original',
  'http.route',
  'http.response.status_code',
  'url.path',
  'url.query',
  'http.server.request.duration',
  'http.response.body.size',
  'user_agent.original',
  'client.address',
  'error.type',
];

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
  // This package's logger takes the line's fields as JSON built here, in the README's order.
  const prebuilt = prebuiltWriter(logger, ACCESS_LOG_FIELDS);

  const observer: RequestObserver = {
    observes(path) {
      if (exact.has(path)) return false;
      for (const pattern of patterns) if (pattern.test(path)) return false;
      return true;
    },
    requestFinished(request: FinishedRequest) {
      const { res, statusCode, method, route } = request;
      const queryAt = request.url.indexOf('?');
      const declared = Number(res.getHeader('content-length'));
      const userAgent = request.req.headers['user-agent'];
      const methodOriginal = method === '_OTHER' ? request.methodOriginal : undefined;
      const query =
        queryAt === -1 ? undefined : redactor.maskString(request.url.slice(queryAt)).slice(1);
      const duration = Math.round(request.durationSeconds * 1e6) / 1e6;
      const bodySize = Number.isFinite(declared) && declared >= 0 ? declared : undefined;
      const agent = typeof userAgent === 'string' ? userAgent : undefined;
      const client = request.req.socket.remoteAddress;
      const errorType =
        statusCode >= 500 ? String(statusCode) : request.aborted ? 'aborted' : undefined;
      // One shape for every line (absent values are undefined, which no output writes).
      const fields = (): LogFields => ({
        'http.request.method': method,
        'http.request.method_original': methodOriginal,
        'http.route': route,
        'http.response.status_code': statusCode,
        'url.path': request.path,
        'url.query': query,
        'http.server.request.duration': duration,
        'http.response.body.size': bodySize,
        'user_agent.original': agent,
        'client.address': client,
        'error.type': errorType,
      });
      const store =
        request.context instanceof ContextStore ? request.context : responseIdStore(res);
      const level = statusCode >= 500 ? 'error' : 'info';
      const message = `${request.methodOriginal} ${route} ${String(statusCode)}`;
      const span = request.span as Span | undefined;
      if (prebuilt === undefined) {
        write(level, message, fields(), store, span);
        return;
      }
      const quote = prebuilt.string;
      let json = ',"http.request.method":' + quote(method);
      if (methodOriginal !== undefined)
        json += ',"http.request.method_original":' + quote(methodOriginal);
      json +=
        ',"http.route":' +
        quote(route) +
        ',"http.response.status_code":' +
        String(statusCode) +
        ',"url.path":' +
        quote(request.path);
      if (query !== undefined) json += ',"url.query":' + quote(query);
      json += ',"http.server.request.duration":' + String(duration);
      if (bodySize !== undefined) json += ',"http.response.body.size":' + String(bodySize);
      if (agent !== undefined) json += ',"user_agent.original":' + quote(agent);
      if (client !== undefined) json += ',"client.address":' + quote(client);
      if (errorType !== undefined) json += ',"error.type":' + quote(errorType);
      prebuilt.write(level, message, json, fields, store, span);
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
