import type { IncomingMessage, ServerResponse } from 'node:http';
import { trace } from '@opentelemetry/api';
import {
  createRequestLifecycle,
  UNMATCHED_ROUTE,
  type FinishedRequest,
  type RequestObserver,
} from '@shipshape/contracts';
import { sampledTraceIdOf } from './exemplar.js';
import { HistogramSeries } from './histogram-series.js';
import type { GuardedHistogram, InstrumentFactory } from './instruments.js';

/** Options for `httpMiddleware`. Every field is optional; defaults are in HTTP_DEFAULTS. */
export interface HttpMiddlewareOptions {
  /** Request paths (without query string) that are not measured. */
  readonly excludePaths?: readonly string[];
  /**
   * The `http_route` value for requests no route matched (404s, static files, probes of scanners).
   * As an observer of another middleware's lifecycle, that middleware's setting applies.
   */
  readonly unmatchedRoute?: string;
  /** Histogram bucket bounds in seconds. */
  readonly buckets?: readonly number[];
  /**
   * Returns the route template; default Express's matched route, mounts included
   * (`expressRouteTemplate` of @shipshape/contracts). As an observer of another middleware's
   * lifecycle, that middleware's route applies.
   */
  readonly getRoute?: (req: IncomingMessage, res: ServerResponse) => string | undefined;
}

export const HTTP_DEFAULTS = {
  excludePaths: ['/metrics', '/livez', '/readyz', '/startupz', '/healthz'],
  unmatchedRoute: UNMATCHED_ROUTE,
  // OpenTelemetry's recommended boundaries for http.server.request.duration.
  buckets: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10],
} as const;

const IN_FLIGHT = new WeakMap<InstrumentFactory, Map<string, number>>();

/**
 * RED middleware for node:http and Express, and a request observer: passed to
 * `requestContext({ observers: [...] })` of @shipshape/logger, it records from that middleware's
 * lifecycle (one clock, one route, one `close` listener for every observer) instead of its own.
 */
export type HttpMiddleware = ((
  req: IncomingMessage,
  res: ServerResponse,
  next?: (error?: unknown) => void,
) => void) &
  RequestObserver;

/** RED middleware for node:http and Express: duration histogram and in-flight gauge. */
export function createHttpMiddleware(
  factory: InstrumentFactory,
  options: HttpMiddlewareOptions = {},
): HttpMiddleware {
  const excluded = new Set(options.excludePaths ?? HTTP_DEFAULTS.excludePaths);
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

  // Each (method, route, status) resolves its histogram series once.
  const series = new SeriesCache(duration);
  const observer: RequestObserver = {
    observes: (path) => !excluded.has(path),
    requestStarted: (method) => {
      counts.set(method, (counts.get(method) ?? 0) + 1);
    },
    requestFinished: (request: FinishedRequest) => {
      const { method } = request;
      counts.set(method, (counts.get(method) ?? 1) - 1);
      series.observe(
        method,
        request.route,
        request.statusCode,
        request.durationSeconds,
        sampledTraceIdOf(request.span),
      );
    },
  };
  const lifecycle = createRequestLifecycle({
    observers: [observer],
    getRoute: options.getRoute,
    unmatchedRoute: options.unmatchedRoute ?? HTTP_DEFAULTS.unmatchedRoute,
    activeSpan: () => trace.getActiveSpan(),
  });
  const middleware = (
    req: IncomingMessage,
    res: ServerResponse,
    next?: (error?: unknown) => void,
  ): void => {
    lifecycle.observe(req, res);
    if (next !== undefined) next();
  };
  return Object.assign(middleware, observer);
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
