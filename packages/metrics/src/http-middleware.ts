import type { IncomingMessage, ServerResponse } from 'node:http';
import { sampledTraceId } from './exemplar.js';
import { HistogramSeries } from './histogram-series.js';
import type { GuardedHistogram, InstrumentFactory } from './instruments.js';
import { expressRouteTemplate } from './route.js';

/** Options for `httpMiddleware`. Every field is optional; defaults are in HTTP_DEFAULTS. */
export interface HttpMiddlewareOptions {
  /** Request paths (without query string) that are not measured. */
  readonly excludePaths?: readonly string[];
  /** The `http_route` value for requests no route matched (404s, static files, probes of scanners). */
  readonly unmatchedRoute?: string;
  /** Histogram bucket bounds in seconds. */
  readonly buckets?: readonly number[];
  /** Returns the route template; default reads Express's `req.baseUrl` + `req.route.path`. */
  readonly getRoute?: (req: IncomingMessage, res: ServerResponse) => string | undefined;
}

export const HTTP_DEFAULTS = {
  excludePaths: ['/metrics', '/livez', '/readyz', '/startupz', '/healthz'],
  unmatchedRoute: 'unmatched',
  // OpenTelemetry's recommended boundaries for http.server.request.duration.
  buckets: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10],
} as const;

/** Methods OpenTelemetry names; anything else is reported as `_OTHER`. */
const KNOWN_METHODS = new Set([
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

const IN_FLIGHT = new WeakMap<InstrumentFactory, Map<string, number>>();

export type HttpMiddleware = (
  req: IncomingMessage,
  res: ServerResponse,
  next?: (error?: unknown) => void,
) => void;

/** RED middleware for node:http and Express: duration histogram and in-flight gauge. */
export function createHttpMiddleware(
  factory: InstrumentFactory,
  options: HttpMiddlewareOptions = {},
): HttpMiddleware {
  const excluded = new Set(options.excludePaths ?? HTTP_DEFAULTS.excludePaths);
  const unmatched = options.unmatchedRoute ?? HTTP_DEFAULTS.unmatchedRoute;
  const getRoute = options.getRoute ?? ((req: IncomingMessage) => expressRouteTemplate(req));
  const duration = factory.histogram({
    name: 'http_server_request_duration_seconds',
    help: 'Duration of HTTP server requests, from the first middleware to the end of the response.',
    labelNames: ['http_request_method', 'http_route', 'http_response_status_code'],
    buckets: options.buckets ?? HTTP_DEFAULTS.buckets,
  });
  // In-flight counts live in a Map (cheap per request), shared by every middleware of one metrics
  // set, and are copied into the gauge at scrape time.
  let inFlight = IN_FLIGHT.get(factory);
  if (inFlight === undefined) {
    inFlight = new Map<string, number>();
    IN_FLIGHT.set(factory, inFlight);
  }
  const counts = inFlight;
  const active = factory.gauge({
    name: 'http_server_active_requests',
    help: 'Number of HTTP server requests in flight.',
    labelNames: ['http_request_method'],
    collect: () => {
      for (const [method, count] of counts) active.set({ http_request_method: method }, count);
    },
  });

  // Each (method, route, status) resolves its histogram series once. The per-request state lives
  // in the listener's closure: adding a property to the response (after Express has swapped its
  // prototype) costs V8 a map migration per request, more than the closure.
  const series = new SeriesCache(duration);

  return (req, res, next) => {
    if (!excluded.has(pathOf(req.url))) {
      const method = normaliseMethod(req.method);
      const start = performance.now();
      const traceId = sampledTraceId();
      counts.set(method, (counts.get(method) ?? 0) + 1);
      let done = false;
      res.on('close', () => {
        if (done) return;
        done = true;
        counts.set(method, (counts.get(method) ?? 1) - 1);
        const seconds = (performance.now() - start) / 1000;
        const route = getRoute(req, res) ?? unmatched;
        series.observe(method, route, res.statusCode, seconds, traceId);
      });
    }
    if (next !== undefined) next();
  };
}

/** Series handles by method, route and status; bounded so a runaway `getRoute` cannot grow it. */
class SeriesCache {
  static readonly LIMIT = 10_000;
  readonly #histogram: GuardedHistogram;
  readonly #byMethod = new Map<string, Map<string, Map<number, HistogramSeries>>>();
  #size = 0;

  constructor(histogram: GuardedHistogram) {
    this.#histogram = histogram;
  }

  observe(
    method: string,
    route: string,
    status: number,
    seconds: number,
    traceId: string | undefined,
  ): void {
    let byRoute = this.#byMethod.get(method);
    if (byRoute === undefined) {
      byRoute = new Map();
      this.#byMethod.set(method, byRoute);
    }
    let byStatus = byRoute.get(route);
    if (byStatus === undefined) {
      byStatus = new Map();
      byRoute.set(route, byStatus);
    }
    let handle = byStatus.get(status);
    if (handle === undefined) {
      const labels = {
        http_request_method: method,
        http_route: route,
        http_response_status_code: status,
      };
      if (this.#size >= SeriesCache.LIMIT) {
        this.#histogram.observeWithTrace(labels, seconds, traceId);
        return;
      }
      handle = new HistogramSeries(this.#histogram, labels);
      byStatus.set(status, handle);
      this.#size++;
    }
    handle.observe(seconds, traceId);
  }
}

function pathOf(url: string | undefined): string {
  if (url === undefined) return '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

function normaliseMethod(method: string | undefined): string {
  if (method === undefined) return '_OTHER';
  return KNOWN_METHODS.has(method) ? method : '_OTHER';
}
