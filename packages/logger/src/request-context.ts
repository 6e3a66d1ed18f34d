import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { runWithRequestId } from './context.js';
import type { Middleware } from './http-types.js';

/** Options of `requestContext`. */
export interface RequestContextOptions {
  /** Header read from the request and echoed on the response. */
  readonly header?: string | undefined;
  /** Makes a new id when the request has none or an invalid one. */
  readonly generateId?: (() => string) | undefined;
}

export const REQUEST_CONTEXT_DEFAULTS = {
  header: 'x-request-id',
  generateId: randomUUID,
} as const;

const VALID_REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** True when an incoming request id may be trusted: 1–128 characters of `[A-Za-z0-9._-]`. */
export function isValidRequestId(value: unknown): value is string {
  return typeof value === 'string' && VALID_REQUEST_ID.test(value);
}

/**
 * Middleware that gives each request a `request_id` (the incoming `X-Request-Id` when valid, else a
 * new UUID), echoes it on the response, and runs the rest of the chain inside a context so that
 * every log line written while handling the request carries it.
 */
export function requestContext(options: RequestContextOptions = {}): Middleware {
  const header = (options.header ?? REQUEST_CONTEXT_DEFAULTS.header).toLowerCase();
  const generateId = options.generateId ?? REQUEST_CONTEXT_DEFAULTS.generateId;
  return (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void): void => {
    const incoming = req.headers[header];
    const requestId = isValidRequestId(incoming) ? incoming : generateId();
    res.setHeader(header, requestId);
    runWithRequestId(requestId, next);
  };
}
