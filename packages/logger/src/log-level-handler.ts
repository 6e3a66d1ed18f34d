import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerError } from './errors.js';
import { MODULE_NAME } from './level-control.js';
import { isLevel, LEVEL_NAMES } from './levels.js';
import type { Logger } from './logger.js';

const MAX_BODY_BYTES = 4096;

/** Options of `logLevelHandler`. */
export interface LogLevelHandlerOptions {
  /** Expiry of a change that names none, so a forgotten `debug` reverts by itself. */
  readonly defaultExpiresInMs?: number | undefined;
  /** The longest expiry a request may ask for. */
  readonly maxExpiresInMs?: number | undefined;
}

export const LOG_LEVEL_HANDLER_DEFAULTS = {
  defaultExpiresInMs: 15 * 60_000,
  maxExpiresInMs: 24 * 60 * 60_000,
} as const;

/**
 * node:http handler for the admin port: `GET` returns the levels in force, `PUT` with
 * `{"level":"debug","module":"db","expiresInMs":600000}` changes one (module and expiry optional;
 * every change expires). It authenticates no one: mount it behind the admin port's access check.
 */
export function logLevelHandler(
  logger: Logger,
  options: LogLevelHandlerOptions = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  const maxExpiresInMs = wholeMs(
    'maxExpiresInMs',
    options.maxExpiresInMs ?? LOG_LEVEL_HANDLER_DEFAULTS.maxExpiresInMs,
  );
  const defaultExpiresInMs = wholeMs(
    'defaultExpiresInMs',
    options.defaultExpiresInMs ??
      Math.min(LOG_LEVEL_HANDLER_DEFAULTS.defaultExpiresInMs, maxExpiresInMs),
  );
  if (defaultExpiresInMs > maxExpiresInMs) {
    throw new LoggerError(
      'LOGGER_INVALID_OPTIONS',
      `logLevelHandler: defaultExpiresInMs (${defaultExpiresInMs}) must not exceed maxExpiresInMs (${maxExpiresInMs}).`,
    );
  }
  return (req, res) => {
    if (req.method === 'GET' || req.method === 'HEAD') {
      send(res, 200, 'application/json', logger.getLevels(), req.method === 'HEAD');
      return;
    }
    if (req.method !== 'PUT') {
      res.setHeader('allow', 'GET, HEAD, PUT');
      problem(
        res,
        405,
        'Method not allowed',
        'Use GET to read the log levels or PUT to change them.',
      );
      return;
    }
    readBody(req, (error, body) => {
      if (error !== undefined) {
        problem(res, 413, 'Body too large', error.message);
        return;
      }
      let request: unknown;
      try {
        request = JSON.parse(body);
      } catch {
        problem(
          res,
          400,
          'Invalid JSON',
          'Send a JSON object such as {"level":"debug","module":"db","expiresInMs":600000}.',
        );
        return;
      }
      const { level, module, expiresInMs } = (
        typeof request === 'object' && request !== null ? request : {}
      ) as Record<string, unknown>;
      if (!isLevel(level)) {
        problem(res, 400, 'Invalid level', `"level" must be one of ${LEVEL_NAMES.join(', ')}.`);
        return;
      }
      if (module !== undefined && (typeof module !== 'string' || !MODULE_NAME.test(module))) {
        problem(
          res,
          400,
          'Invalid module',
          '"module" must be 1–64 characters of letters, digits and . _ : / - naming a child logger.',
        );
        return;
      }
      if (
        expiresInMs !== undefined &&
        (typeof expiresInMs !== 'number' ||
          !Number.isInteger(expiresInMs) ||
          expiresInMs < 1 ||
          expiresInMs > maxExpiresInMs)
      ) {
        problem(
          res,
          400,
          'Invalid expiry',
          `"expiresInMs" must be a whole number of milliseconds from 1 to ${maxExpiresInMs}; ` +
            `without it the change reverts after ${defaultExpiresInMs} ms.`,
        );
        return;
      }
      const before = logger.getLevels();
      const previous =
        module === undefined ? before.level : (before.modules[module]?.level ?? null);
      const expiry = expiresInMs ?? defaultExpiresInMs;
      try {
        logger.setLevel(level, { module, expiresInMs: expiry });
      } catch (failure) {
        const limit = failure instanceof LoggerError && failure.code === 'LOGGER_LIMIT_EXCEEDED';
        problem(
          res,
          limit ? 409 : 400,
          limit ? 'Too many module levels' : 'Invalid level change',
          failure instanceof LoggerError ? failure.message : 'The change was refused.',
        );
        return;
      }
      const after = logger.getLevels();
      logger.warn('log level changed', {
        module,
        previous_level: previous,
        new_level: level,
        expires_in_ms: expiry,
        expires_at: module === undefined ? after.expiresAt : after.modules[module]?.expiresAt,
        'client.address': req.socket.remoteAddress,
      });
      send(res, 200, 'application/json', after, false);
    });
  };
}

function wholeMs(name: string, value: unknown): number {
  if (
    typeof value === 'number' &&
    Number.isInteger(value) &&
    value >= 1 &&
    value <= 2_147_483_647
  ) {
    return value;
  }
  throw new LoggerError(
    'LOGGER_INVALID_OPTIONS',
    `logLevelHandler: ${name} must be a whole number of milliseconds from 1 to 2147483647, got ${String(value)}.`,
  );
}

function readBody(
  req: IncomingMessage,
  done: (error: Error | undefined, body: string) => void,
): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let finished = false;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_BODY_BYTES && !finished) {
      finished = true;
      req.resume();
      done(new Error(`The body must be at most ${MAX_BODY_BYTES} bytes.`), '');
      return;
    }
    chunks.push(chunk);
  });
  req.on('error', () => {
    finished = true; // the client went away; there is no one to answer
  });
  req.on('end', () => {
    if (finished) return;
    finished = true;
    done(undefined, Buffer.concat(chunks).toString('utf8'));
  });
}

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: unknown,
  headOnly: boolean,
): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('content-type', type);
  res.setHeader('cache-control', 'no-store');
  res.setHeader('content-length', Buffer.byteLength(text));
  res.end(headOnly ? undefined : text);
}

function problem(res: ServerResponse, status: number, title: string, detail: string): void {
  send(
    res,
    status,
    'application/problem+json',
    { type: 'about:blank', title, status, detail },
    false,
  );
}
