import type { IncomingMessage, ServerResponse } from 'node:http';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { Queue } from 'bullmq';
import express from 'express';
import { Redis } from 'ioredis';
import type { NodeHandler } from './admin-server.js';
import { closeRedis } from './redis.js';

/** Where the board is mounted on the admin port (as Bull Board's own examples mount it). */
export const BOARD_PATH = '/admin/queues';
/** The board's own settings dialog stops at 300 jobs per page; a larger page is refused. */
export const BOARD_MAX_JOBS_PER_PAGE = 300;
/** A board request Redis has not answered by then gets a 503 (Redis down, or not reached yet). */
export const BOARD_RESPONSE_TIMEOUT_MS = 5_000;

export interface QueueBoardOptions {
  readonly redisUrl: string;
  readonly queueName: string;
  readonly prefix: string;
  /**
   * Retry, remove, promote, clean…: true only when every request that reaches the board has shown
   * the admin token (a token is set, so `adminAccess` lets nobody in without it). False: read-only.
   */
  readonly actions: boolean;
  readonly connectionName?: string;
  /** Default {@link BOARD_RESPONSE_TIMEOUT_MS}. */
  readonly responseTimeoutMs?: number;
}

export interface QueueBoard {
  readonly path: typeof BOARD_PATH;
  /** Serves `path` and below; calls `next` for any path the board does not have. */
  readonly handler: NodeHandler;
  readonly readOnly: boolean;
  close(): Promise<void>;
}

function sendProblem(
  res: ServerResponse,
  status: number,
  title: string,
  detail: string,
  headers: Record<string, string> = {},
): void {
  const body = JSON.stringify({ type: 'about:blank', title, status, detail });
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/problem+json',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  res.end(body);
}

/** Express 5 apps are `(req, res, next)` functions; @types/express leaves `next` out of the call signature. */
type ExpressCallable = (
  req: IncomingMessage,
  res: ServerResponse,
  next: (error?: unknown) => void,
) => void;

/**
 * Bull Board for the worker's queue, for the admin port (behind `adminAccess`, which decides who
 * reaches it). It reads through a Redis connection of its own that fails fast (no offline queue):
 * a board page never queues behind or ahead of the worker's lock renewals, and during an outage it
 * shows an error instead of hanging. Read-only unless `actions`: Bull Board then hides the action
 * buttons and its API answers 405 to them, and this layer refuses every method but GET and HEAD
 * before Bull Board sees the request.
 */
export function createQueueBoard(options: QueueBoardOptions): QueueBoard {
  const redis = new Redis(options.redisUrl, {
    connectionName: options.connectionName ?? 'example-worker-board',
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => Math.min(times * 100, 2_000),
  });
  // The worker's own connection reports an outage once; the board's requests show it as an error.
  redis.on('error', () => undefined);
  const queue = new Queue(options.queueName, { connection: redis, prefix: options.prefix });
  queue.on('error', () => undefined);

  const readOnly = !options.actions;
  const serverAdapter = new ExpressAdapter().setBasePath(BOARD_PATH);
  createBullBoard({
    queues: [new BullMQAdapter(queue, { readOnlyMode: readOnly })],
    serverAdapter,
    options: { uiConfig: { boardTitle: `${options.queueName} queue` } },
  });
  const router = serverAdapter.getRouter() as express.Express;
  const app = express();
  for (const each of [app, router]) each.disable('x-powered-by');
  app.use(BOARD_PATH, router);
  const responseTimeoutMs = options.responseTimeoutMs ?? BOARD_RESPONSE_TIMEOUT_MS;
  const serve = app as unknown as ExpressCallable;

  const handler: NodeHandler = (req, res, next) => {
    if (readOnly && req.method !== 'GET' && req.method !== 'HEAD') {
      sendProblem(
        res,
        405,
        'Method Not Allowed',
        'The queue board is read-only: its actions need an admin token (ADMIN_TOKEN_FILE) sent as Authorization: Bearer <token>.',
        { allow: 'GET, HEAD' },
      );
      return;
    }
    const jobsPerPage = new URL(req.url ?? '/', 'http://admin.invalid').searchParams.get(
      'jobsPerPage',
    );
    if (jobsPerPage !== null && !(Number(jobsPerPage) <= BOARD_MAX_JOBS_PER_PAGE)) {
      sendProblem(
        res,
        400,
        'Bad Request',
        `jobsPerPage must be a number of at most ${String(BOARD_MAX_JOBS_PER_PAGE)}.`,
      );
      return;
    }
    // BullMQ waits for a connection it never had; an outage must not leave requests hanging.
    const deadline = setTimeout(() => {
      if (res.headersSent) return;
      sendProblem(
        res,
        503,
        'Service Unavailable',
        `Redis did not answer the queue board within ${String(responseTimeoutMs)} ms; is it reachable (REDIS_URL)?`,
      );
    }, responseTimeoutMs);
    res.once('close', () => clearTimeout(deadline));
    serve(req, res, (error) => {
      if (res.writableEnded) return; // answered already (the deadline): Bull Board's late reply is dropped
      if (error === undefined || error === null) {
        if (next !== undefined) next();
        else sendProblem(res, 404, 'Not Found', `no queue board page at ${req.url ?? '/'}`);
      } else if (!res.headersSent) {
        sendProblem(res, 500, 'Internal Server Error', 'The queue board failed to answer.');
      } else res.destroy();
    });
  };

  return {
    path: BOARD_PATH,
    handler,
    readOnly,
    async close() {
      await queue.close().catch(() => undefined);
      await closeRedis(redis);
    },
  };
}
