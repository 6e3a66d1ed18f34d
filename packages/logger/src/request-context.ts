import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { trace } from '@opentelemetry/api';
import {
  createRequestLifecycle,
  UNMATCHED_ROUTE,
  type RequestObserver,
} from '@shipshape/contracts';
import { requestStore, runWithStore } from './context.js';
import type { Middleware } from './http-types.js';

/** Options of `requestContext`. */
export interface RequestContextOptions {
  /** Header read from the request and echoed on the response. */
  readonly header?: string | undefined;
  /** Makes a new id when the request has none or an invalid one. */
  readonly generateId?: (() => string) | undefined;
  /**
   * Observers of every request — `accessLog(logger)`, `metrics.httpMiddleware()`, or anything
   * with `requestFinished(request)` — run from this middleware: one clock, one route resolution
   * and one `close` listener serve all of them, and they all see the same route.
   */
  readonly observers?: readonly RequestObserver[] | undefined;
  /** The route template the observers get; default Express's matched route, mounts included. */
  readonly getRoute?:
    ((req: IncomingMessage, res: ServerResponse) => string | undefined) | undefined;
  /** The route the observers get when no route matched. */
  readonly unmatchedRoute?: string | undefined;
}

export const REQUEST_CONTEXT_DEFAULTS = {
  header: 'x-request-id',
  generateId: randomUUID,
  observers: [] as readonly RequestObserver[],
  unmatchedRoute: UNMATCHED_ROUTE,
} as const;

const VALID_REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** True when an incoming request id may be trusted: 1–128 characters of `[A-Za-z0-9._-]`. */
export function isValidRequestId(value: unknown): value is string {
  return typeof value === 'string' && VALID_REQUEST_ID.test(value);
}

/**
 * Middleware that gives each request a `request_id` (the incoming `X-Request-Id` when valid, else a
 * new UUID), echoes it on the response, runs the rest of the chain inside a context so that every
 * log line written while handling the request carries it, and runs the request's observers.
 */
export function requestContext(options: RequestContextOptions = {}): Middleware {
  const header = (options.header ?? REQUEST_CONTEXT_DEFAULTS.header).toLowerCase();
  const generateId = options.generateId ?? REQUEST_CONTEXT_DEFAULTS.generateId;
  const observers = options.observers ?? REQUEST_CONTEXT_DEFAULTS.observers;
  const lifecycle =
    observers.length === 0
      ? undefined
      : createRequestLifecycle({
          observers,
          getRoute: options.getRoute,
          unmatchedRoute: options.unmatchedRoute ?? REQUEST_CONTEXT_DEFAULTS.unmatchedRoute,
          activeSpan: () => trace.getActiveSpan(),
        });
  return (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void): void => {
    const incoming = req.headers[header];
    const requestId = isValidRequestId(incoming) ? incoming : generateId();
    res.setHeader(header, requestId);
    const store = requestStore(requestId);
    lifecycle?.observe(req, res, store);
    runWithStore(store, next);
  };
}
