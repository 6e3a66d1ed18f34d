import type { IncomingMessage, ServerResponse } from 'node:http';
import { expressRouteTemplate, UNMATCHED_ROUTE } from './route.js';

/** The part of an OpenTelemetry span the lifecycle hands on; @opentelemetry/api's `Span` fits. */
export interface SpanLike {
  /** The ids and flags of the span (`traceFlags & 1`: sampled). */
  spanContext(): { readonly traceId: string; readonly spanId: string; readonly traceFlags: number };
}

/** One request, as every observer of it sees it: one clock, one route resolution. */
export interface FinishedRequest {
  /** `http.request.method`: the method, or `_OTHER` for one OpenTelemetry does not name. */
  readonly method: string;
  /** The method as received (`http.request.method_original` when `method` is `_OTHER`). */
  readonly methodOriginal: string;
  /** `http.route`: the route template, or the unmatched route when no route matched. */
  readonly route: string;
  /** `http.response.status_code`. */
  readonly statusCode: number;
  /** From the moment the request entered the lifecycle to the response's `close`. */
  readonly durationSeconds: number;
  /** The request target as received, query included: it may hold secrets, mask it before writing it. */
  readonly url: string;
  /** `url.path`: `url` without its query. */
  readonly path: string;
  /** The response closed before it was completely sent (the client went away). */
  readonly aborted: boolean;
  /** The span active when the request entered the lifecycle (the HTTP server span), if any. */
  readonly span: SpanLike | undefined;
  /** What the middleware running the lifecycle captured for its own observers (the logger's request context). */
  readonly context: unknown;
  /** The request, for what the record does not carry (headers, socket). */
  readonly req: IncomingMessage;
  /** The response, for what the record does not carry (headers). */
  readonly res: ServerResponse;
}

/** Something that wants to know about each request: an access log, RED metrics, a span namer. */
export interface RequestObserver {
  /** False for request paths (query excluded) this observer ignores, such as probes and `/metrics`. */
  observes?(path: string): boolean;
  /** Called when the request enters the lifecycle, with its method as in `FinishedRequest`. */
  requestStarted?(method: string): void;
  /** Called once, when the response closes (sent or abandoned). */
  requestFinished(request: FinishedRequest): void;
}

/** Options of `createRequestLifecycle`. */
export interface RequestLifecycleOptions {
  /** Who is told about each request, in this order. */
  readonly observers: readonly RequestObserver[];
  /** Returns the route template; default `expressRouteTemplate`. */
  readonly getRoute?:
    ((req: IncomingMessage, res: ServerResponse) => string | undefined) | undefined;
  /** `route` of requests no route matched; default `UNMATCHED_ROUTE` (`'unmatched'`). */
  readonly unmatchedRoute?: string | undefined;
  /** Returns the active span, e.g. `() => trace.getActiveSpan()`; default none. */
  readonly activeSpan?: (() => SpanLike | undefined) | undefined;
}

/** What `createRequestLifecycle` returns: the one call a middleware makes per request. */
export interface RequestLifecycle {
  /** Starts observing one request: one clock reading and one `close` listener serve every observer. */
  observe(req: IncomingMessage, res: ServerResponse, context?: unknown): void;
}

/** The methods OpenTelemetry's HTTP conventions name; any other is `_OTHER`. */
const KNOWN_METHODS: ReadonlySet<string> = new Set([
  'CONNECT',
  'DELETE',
  'GET',
  'HEAD',
  'OPTIONS',
  'PATCH',
  'POST',
  'PUT',
  'TRACE',
]);

/**
 * One lifecycle per request for any number of observers. A middleware calls `observe(req, res)`
 * as the request enters it; when the response closes, the route is resolved once and every
 * observer gets the same `FinishedRequest`. An observer that throws is reported once (a process
 * warning) and does not keep the others from running.
 */
export function createRequestLifecycle(options: RequestLifecycleOptions): RequestLifecycle {
  const observers = [...options.observers];
  const getRoute = options.getRoute ?? expressRouteTemplate;
  const unmatched = options.unmatchedRoute ?? UNMATCHED_ROUTE;
  const activeSpan = options.activeSpan;
  const reported = new WeakSet<RequestObserver>();
  const report = (observer: RequestObserver, error: unknown): void => {
    if (reported.has(observer)) return;
    reported.add(observer);
    process.emitWarning(
      `a request observer threw; it is skipped for this request and reported only once: ${
        error instanceof Error ? error.message : String(error)
      }`,
      { code: 'SHIPSHAPE_OBSERVER_FAILED' },
    );
  };

  const observe = (req: IncomingMessage, res: ServerResponse, context?: unknown): void => {
    const originalUrl = (req as { originalUrl?: unknown }).originalUrl;
    const url = typeof originalUrl === 'string' ? originalUrl : (req.url ?? '/');
    const queryAt = url.indexOf('?');
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    let active = observers;
    let ignoring = 0;
    for (const observer of observers) {
      if (observer.observes !== undefined && !observer.observes(path)) ignoring++;
    }
    if (ignoring === observers.length) return;
    if (ignoring > 0) active = observers.filter((o) => o.observes?.(path) !== false);
    const methodOriginal = req.method ?? '';
    const method = KNOWN_METHODS.has(methodOriginal) ? methodOriginal : '_OTHER';
    for (const observer of active) observer.requestStarted?.(method);
    const start = performance.now();
    const span = activeSpan?.();
    let finished = false;
    res.on('close', () => {
      if (finished) return;
      finished = true;
      const record: FinishedRequest = {
        method,
        methodOriginal,
        route: getRoute(req, res) ?? unmatched,
        statusCode: res.statusCode,
        durationSeconds: (performance.now() - start) / 1000,
        url,
        path,
        aborted: !res.writableFinished,
        span,
        context,
        req,
        res,
      };
      for (const observer of active) {
        try {
          observer.requestFinished(record);
        } catch (error) {
          report(observer, error);
        }
      }
    });
  };
  return { observe };
}
