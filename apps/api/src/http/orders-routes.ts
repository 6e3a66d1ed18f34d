import { Router, type Request, type Response } from 'express';
import { decodeCursor } from '../orders/cursor.js';
import { requestFingerprint } from '../orders/fingerprint.js';
import { isOrderId } from '../orders/ids.js';
import type { OrdersRepository } from '../orders/repository.js';
import type { Order } from '../orders/types.js';
import {
  createOrderBody,
  DEFAULT_PAGE_SIZE,
  DEFAULT_WAIT_MS,
  getOrderQuery,
  idempotencyKey as idempotencyKeySchema,
  listOrdersQuery,
} from '../orders/validation.js';
import { waitForConfirmation } from '../orders/wait-for-confirmation.js';
import { traceContextFor } from '../queue/trace-context.js';
import { HttpProblem } from './problem.js';
import { requestIdOf } from './request-id.js';
import type { LoggerLike } from '../logger-like.js';
import { parseOrThrow, validationProblem } from './validation-problem.js';

/** Enqueues the confirmation job; a duplicate for the same order is a no-op. */
export type EnqueueConfirmation = (order: Order, context: EnqueueContext) => Promise<void>;

/** Asks the outbox relay to check a pending order's job now (a retry of its POST). */
export type ExpediteConfirmation = (order: Order, context: EnqueueContext) => Promise<void>;

export interface EnqueueContext {
  readonly requestId?: string | undefined;
  /** The caller's W3C trace headers, passed on when this process does not trace itself. */
  readonly traceparent?: string | undefined;
  readonly tracestate?: string | undefined;
}

export interface OrdersRoutesOptions {
  readonly repository: OrdersRepository;
  /**
   * The request path's own publish, for latency only: the order's outbox record (committed with
   * it) gets the job published by the relay when this fails or the process dies first.
   */
  readonly enqueueConfirmation: EnqueueConfirmation;
  readonly expediteConfirmation: ExpediteConfirmation;
  /** Aborts when shutdown starts: long polls answer at once instead of being cut off. */
  readonly shutdownSignal: AbortSignal;
  readonly logger: LoggerLike;
}

const IDEMPOTENCY_HEADER = 'Idempotency-Key';

export function ordersRoutes(options: OrdersRoutesOptions): Router {
  const { repository, enqueueConfirmation, expediteConfirmation, shutdownSignal, logger } = options;
  const router = Router();

  router.post('/v1/orders', async (req, res) => {
    if (!req.is('application/json')) {
      throw new HttpProblem({
        status: 415,
        type: 'unsupported-media-type',
        title: 'Unsupported media type',
        detail: `Send the order as application/json (got ${req.headers['content-type'] ?? 'no Content-Type'}).`,
        headers: { 'Accept-Post': 'application/json' },
      });
    }
    const rawKey = req.get(IDEMPOTENCY_HEADER);
    const key =
      rawKey === undefined
        ? undefined
        : parseOrThrow(idempotencyKeySchema, rawKey, 'header', IDEMPOTENCY_HEADER);
    const body = parseOrThrow(createOrderBody, req.body, 'body');
    const requestId = requestIdOf(res);
    const context: EnqueueContext = {
      requestId,
      traceparent: req.get('traceparent'),
      tracestate: req.get('tracestate'),
    };
    const result = await repository.create({
      order: body,
      idempotencyKey: key,
      fingerprint: requestFingerprint(body),
      requestId,
      traceContext: traceContextFor(context),
    });
    if (result.outcome === 'conflict') {
      throw new HttpProblem({
        status: 409,
        type: 'idempotency-key-reused',
        title: 'Idempotency-Key already used for a different request',
        detail: 'This key was first used with another body. Use a new key for a new order.',
      });
    }
    if (result.outcome === 'created') {
      // Committed: the answer is 201 whatever happens next. Publishing here only saves the relay's
      // delay; when it fails, the outbox record (same transaction) gets the job published later.
      await enqueueConfirmation(result.order, context).catch((error: unknown) => {
        logger.warn('order committed; its job will be published by the outbox relay', {
          order_id: result.order.id,
          err: error,
        });
      });
      logger.info('order created', {
        order_id: result.order.id,
        total_cents: result.order.total_cents,
      });
    } else {
      // A retry of a pending order: the relay checks its job now (re-added if lost, retried if failed).
      if (result.order.status === 'pending') await expediteConfirmation(result.order, context);
      logger.info('idempotent retry answered with the existing order', {
        order_id: result.order.id,
      });
      res.setHeader('Idempotent-Replayed', 'true');
    }
    res.status(201).location(`/v1/orders/${result.order.id}`).json(result.order);
  });

  router.get('/v1/orders', async (req, res) => {
    const query = parseOrThrow(listOrdersQuery, req.query, 'query');
    const beforeId = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    if (query.cursor !== undefined && beforeId === undefined) {
      throw validationProblem([
        { parameter: 'cursor', detail: 'is not a cursor issued by this API' },
      ]);
    }
    const page = await repository.list({
      status: query.status,
      limit: query.limit ?? DEFAULT_PAGE_SIZE,
      beforeId,
    });
    res.json({ data: page.orders, next_cursor: page.nextCursor });
  });

  router.get('/v1/orders/:id', async (req: Request<{ id: string }>, res: Response) => {
    const query = parseOrThrow(getOrderQuery, req.query, 'query');
    const { id } = req.params;
    const order = !isOrderId(id)
      ? undefined
      : query.wait === undefined
        ? await repository.findById(id)
        : await longPoll(id, query.timeout ?? DEFAULT_WAIT_MS, res);
    if (!order)
      throw new HttpProblem({
        status: 404,
        title: 'Not Found',
        detail: `There is no order ${id}.`,
      });
    res.json(order);
  });

  async function longPoll(
    id: string,
    timeoutMs: number,
    res: Response,
  ): Promise<Order | undefined> {
    // One controller per poll, fed by shutdown and by the client going away; listeners are
    // removed afterwards so thousands of polls do not pile up on the process-wide signal.
    const stop = new AbortController();
    const abort = (): void => stop.abort();
    if (shutdownSignal.aborted) stop.abort();
    shutdownSignal.addEventListener('abort', abort, { once: true });
    res.once('close', abort);
    try {
      return await waitForConfirmation(repository, id, { timeoutMs, signal: stop.signal });
    } finally {
      shutdownSignal.removeEventListener('abort', abort);
      res.off('close', abort);
    }
  }

  return router;
}
