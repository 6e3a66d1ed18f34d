import type { ErrorRequestHandler, RequestHandler } from 'express';
import { DependencyUnavailableError } from '../errors.js';
import { HttpProblem, sendProblem, type ProblemInit } from './problem.js';
import { requestIdOf } from './request-id.js';
import type { LoggerLike } from '../logger-like.js';

export interface ErrorHandlerOptions {
  /** Sent as Retry-After on 503 answers; about how long a dependency restart takes. */
  readonly retryAfterSeconds?: number;
}

export const ERROR_HANDLER_DEFAULTS = { retryAfterSeconds: 5 } as const;

/** Unknown routes get a problem document too, not Express's HTML page. */
export const notFoundHandler: RequestHandler = (req, res) => {
  sendProblem(
    res,
    { status: 404, title: 'Not Found', detail: `No resource at ${req.method} ${req.path}.` },
    instanceOf(req.originalUrl),
    requestIdOf(res),
  );
};

/**
 * Every error becomes `application/problem+json`. What reaches the client is chosen here, from a
 * closed list; the error itself (stack, SQL, connection strings) only reaches the log.
 */
export function errorHandler(
  logger: LoggerLike,
  options: ErrorHandlerOptions = {},
): ErrorRequestHandler {
  const retryAfterSeconds = options.retryAfterSeconds ?? ERROR_HANDLER_DEFAULTS.retryAfterSeconds;
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const problem = toProblem(error, retryAfterSeconds);
    if (problem.status >= 500) {
      const level = problem.status === 503 ? 'warn' : 'error';
      logger[level](`${req.method} ${req.path} failed: ${problem.title}`, {
        err: error,
        status: problem.status,
      });
    }
    sendProblem(res, problem, instanceOf(req.originalUrl), requestIdOf(res));
  };
}

function toProblem(error: unknown, retryAfterSeconds: number): ProblemInit {
  if (error instanceof HttpProblem) return error.problem;
  if (error instanceof DependencyUnavailableError) {
    const name = error.dependency === 'database' ? 'order database' : 'job queue';
    return {
      status: 503,
      type: 'dependency-unavailable',
      title: 'Service temporarily unavailable',
      detail: `The ${name} is not reachable right now; nothing was changed. Retry after ${retryAfterSeconds} seconds.`,
      headers: { 'Retry-After': String(retryAfterSeconds) },
    };
  }
  const bodyError = bodyParserProblem(error);
  if (bodyError) return bodyError;
  const clientError = exposedClientError(error);
  if (clientError) return clientError;
  return {
    status: 500,
    title: 'Internal Server Error',
    detail: 'An unexpected error occurred. Quote the request_id when reporting it.',
  };
}

/** body-parser marks its errors with a `type`; map the ones a client can cause. */
function bodyParserProblem(error: unknown): ProblemInit | undefined {
  const type = (error as { type?: unknown } | null)?.type;
  switch (type) {
    case 'entity.parse.failed':
      return {
        status: 400,
        type: 'malformed-json',
        title: 'The request body is not valid JSON',
        detail: 'Send a JSON object; the body could not be parsed.',
      };
    case 'entity.too.large': {
      const limit = (error as { limit?: unknown }).limit;
      return {
        status: 413,
        type: 'body-too-large',
        title: 'The request body is too large',
        detail:
          typeof limit === 'number'
            ? `The body limit is ${limit} bytes.`
            : 'The body exceeds the limit.',
      };
    }
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return {
        status: 415,
        type: 'unsupported-media-type',
        title: 'Unsupported media type',
        detail: 'Send the body as application/json in UTF-8, without content encoding.',
        headers: { 'Accept-Post': 'application/json' },
      };
    case 'request.aborted':
    case 'request.size.invalid':
      return { status: 400, title: 'Bad Request', detail: 'The request body was incomplete.' };
    default:
      return undefined;
  }
}

/**
 * Errors that Express, its router and body-parser raise for a bad request carry a 4xx `status` and
 * `expose: true` (http-errors): e.g. a malformed percent-encoding in the path (URIError → 400).
 * They keep their status; their message is not sent (it may echo input), only a fixed text.
 */
function exposedClientError(error: unknown): ProblemInit | undefined {
  const { status, statusCode, expose } = (error ?? {}) as {
    status?: unknown;
    statusCode?: unknown;
    expose?: unknown;
  };
  const code = typeof status === 'number' ? status : statusCode;
  if (typeof code !== 'number' || code < 400 || code > 499 || expose === false) return undefined;
  return {
    status: code,
    title: CLIENT_ERROR_TITLES[code] ?? 'Bad Request',
    detail:
      error instanceof URIError
        ? 'The request path is not valid percent-encoding.'
        : 'The request could not be processed as sent.',
  };
}

const CLIENT_ERROR_TITLES: Record<number, string> = {
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
  411: 'Length Required',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  431: 'Request Header Fields Too Large',
};

/** The path without its query: `instance` names the resource, and never reflects query input. */
function instanceOf(originalUrl: string): string {
  return originalUrl.split('?')[0] ?? '/';
}
