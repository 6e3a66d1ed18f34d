import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerError } from './errors.js';
import { isLevel, LEVEL_NAMES } from './levels.js';
import type { Logger } from './logger.js';

const MAX_BODY_BYTES = 4096;

/**
 * node:http handler for the admin port: `GET` returns the levels in force, `PUT` with
 * `{"level":"debug","module":"db","expiresInMs":600000}` changes one (module and expiry optional).
 */
export function logLevelHandler(
  logger: Logger,
): (req: IncomingMessage, res: ServerResponse) => void {
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
        `Use GET to read the log levels or PUT to change them, not ${req.method ?? '?'}.`,
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
          'Send a JSON object such as {"level":"debug","expiresInMs":600000}.',
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
      if (module !== undefined && typeof module !== 'string') {
        problem(res, 400, 'Invalid module', '"module" must be a string naming a child logger.');
        return;
      }
      if (expiresInMs !== undefined && typeof expiresInMs !== 'number') {
        problem(res, 400, 'Invalid expiry', '"expiresInMs" must be a number of milliseconds.');
        return;
      }
      try {
        logger.setLevel(level, { module, expiresInMs });
      } catch (failure) {
        problem(
          res,
          400,
          'Invalid level change',
          failure instanceof LoggerError ? failure.message : String(failure),
        );
        return;
      }
      logger.warn('log level changed', { new_level: level, module, expires_in_ms: expiresInMs });
      send(res, 200, 'application/json', logger.getLevels(), false);
    });
  };
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
