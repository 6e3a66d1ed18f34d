import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { trace, type Span } from '@opentelemetry/api';
import { currentStore, type ContextStore } from './context.js';
import type { Middleware } from './http-types.js';
import { logCaptured, type Logger } from './logger.js';
import { REDACTED, Redactor } from './redact.js';

/** Options of `accessLog`. */
export interface AccessLogOptions {
  /** Paths (exact, query ignored) or patterns that are not logged: probes and metrics. */
  readonly exclude?: readonly (string | RegExp)[] | undefined;
  /** Query parameter names whose values are replaced, added to the default deny-list. */
  readonly redactQuery?: readonly string[] | undefined;
}

export const ACCESS_LOG_DEFAULTS = {
  exclude: ['/livez', '/readyz', '/startupz', '/healthz', '/metrics'] as readonly (
    string | RegExp
  )[],
  redactQuery: [] as readonly string[],
} as const;

interface RoutedRequest extends IncomingMessage {
  baseUrl?: unknown;
  route?: { path?: unknown } | undefined;
  originalUrl?: unknown;
}

/**
 * One line per finished request: method, route template (Express `baseUrl + route.path`), path with
 * sensitive query values replaced, status, duration_ms and bytes. 5xx at error, everything else at
 * info; a request the client abandoned carries `aborted: true`.
 */
export function accessLog(logger: Logger, options: AccessLogOptions = {}): Middleware {
  const exact = new Set<string>();
  const patterns: RegExp[] = [];
  for (const item of options.exclude ?? ACCESS_LOG_DEFAULTS.exclude) {
    if (typeof item === 'string') exact.add(item);
    else patterns.push(item);
  }
  const redactor = new Redactor(options.redactQuery ?? ACCESS_LOG_DEFAULTS.redactQuery);
  const isExcluded = (pathname: string): boolean => {
    if (exact.has(pathname)) return true;
    for (const pattern of patterns) if (pattern.test(pathname)) return true;
    return false;
  };

  const logLine = (
    req: RoutedRequest,
    res: ServerResponse,
    url: string,
    queryAt: number,
    pathname: string,
    start: number,
    counted: number,
    store: ContextStore | undefined,
    span: Span | undefined,
  ): void => {
    // Property reads on req/res often miss V8's inline caches under Express 5 (it swaps their
    // prototypes per request), so each is read once.
    const method = req.method;
    const routePath = req.route?.path;
    const route = typeof routePath === 'string' ? joinRoute(req.baseUrl, routePath) : undefined;
    const status = res.statusCode;
    const declared = Number(res.getHeader('content-length'));
    const fields: Record<string, unknown> = {
      method,
      route,
      path: queryAt === -1 ? pathname : pathname + stripQuery(url.slice(queryAt), redactor),
      status,
      duration_ms: Math.round((performance.now() - start) * 1000) / 1000,
      bytes: Number.isFinite(declared) && declared >= 0 ? declared : counted,
    };
    if (!res.writableFinished) fields.aborted = true;
    const captured = withResponseId(store, res);
    const message = (method ?? 'UNKNOWN') + ' ' + (route ?? pathname) + ' ' + String(status);
    logCaptured(logger, status >= 500 ? 'error' : 'info', message, fields, captured, span);
  };

  return (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void): void => {
    const originalUrl = (req as RoutedRequest).originalUrl;
    const url = typeof originalUrl === 'string' ? originalUrl : (req.url ?? '/');
    const queryAt = url.indexOf('?');
    const pathname = queryAt === -1 ? url : url.slice(0, queryAt);
    if (isExcluded(pathname)) {
      next();
      return;
    }
    // State lives in these closures, not on the response: adding properties to a response whose
    // prototype Express has swapped costs V8 a map migration per property per request.
    const start = performance.now();
    const store = currentStore();
    const span = trace.getActiveSpan();
    let counted = 0;
    let logged = false;
    // eslint-disable-next-line @typescript-eslint/unbound-method -- re-bound with .call(this) below
    const write = res.write as (...args: unknown[]) => boolean;
    // eslint-disable-next-line @typescript-eslint/unbound-method -- re-bound with .call(this) below
    const end = res.end as (...args: unknown[]) => ServerResponse;
    res.write = function (this: ServerResponse, chunk: unknown, ...rest: unknown[]) {
      counted += byteLength(chunk);
      return write.call(this, chunk, ...rest);
    } as ServerResponse['write'];
    res.end = function (this: ServerResponse, chunk?: unknown, ...rest: unknown[]) {
      if (typeof chunk !== 'function') counted += byteLength(chunk);
      return end.call(this, chunk, ...rest);
    } as ServerResponse['end'];
    res.on('close', () => {
      if (logged) return;
      logged = true;
      logLine(req, res, url, queryAt, pathname, start, counted, store, span);
    });
    next();
  };
}

function byteLength(chunk: unknown): number {
  if (typeof chunk === 'string') return Buffer.byteLength(chunk);
  if (chunk instanceof Uint8Array) return chunk.byteLength;
  return 0;
}

/** Keeps every parameter, replacing the values of sensitive ones. */
function stripQuery(query: string, redactor: Redactor): string {
  const parts = query.slice(1).split('&');
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? '';
    const eq = part.indexOf('=');
    const name = eq === -1 ? part : part.slice(0, eq);
    let decoded = name;
    try {
      decoded = decodeURIComponent(name.replace(/\+/g, ' '));
    } catch {
      // keep the raw name
    }
    if (redactor.isSensitiveKey(decoded)) parts[i] = `${name}=${REDACTED}`;
  }
  return '?' + parts.join('&');
}

/** When accessLog runs outside requestContext, recover the id from the echoed response header. */
function withResponseId(
  store: ContextStore | undefined,
  res: ServerResponse,
): ContextStore | undefined {
  if (store !== undefined) return store;
  const id = res.getHeader('x-request-id');
  if (typeof id !== 'string') return undefined;
  return { fields: { request_id: id }, cacheOwner: undefined, cacheJson: '' };
}

/** `baseUrl + route.path`, without the trailing slash a router's `'/'` route would add. */
function joinRoute(baseUrl: unknown, routePath: string): string {
  const base = typeof baseUrl === 'string' ? baseUrl : '';
  return base !== '' && routePath === '/' ? base : base + routePath;
}
