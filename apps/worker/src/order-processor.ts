import { trace, type Tracer } from '@opentelemetry/api';
import type { Knex } from 'knex';
import { runInJobSpan } from './job-tracing.js';
import { ORDER_CONFIRM_JOB, parseOrderJobData, type OrderJobData } from './order-job.js';
import {
  confirmOrder,
  failOrder,
  loadOrder,
  OrderNotFoundError,
  type ConfirmOutcome,
} from './order-store.js';
import { computeTotalCents, InvalidOrderItemsError, parseLineItems } from './order-totals.js';
import type { ConfirmationProvider } from './provider.js';
import type { JobContextFields, LoggerLike, RunInJobContext } from './types.js';

/** The part of a BullMQ `Job` the processor reads (a real `Job` fits). */
export interface OrderJobLike {
  readonly id?: string | undefined;
  readonly name: string;
  readonly queueName: string;
  readonly data: unknown;
  readonly attemptsMade: number;
}

export interface OrderProcessorOptions {
  readonly db: Knex;
  readonly logger: LoggerLike;
  readonly provider: ConfirmationProvider;
  readonly runInJobContext?: RunInJobContext;
  readonly tracer?: Tracer;
  readonly now?: () => Date;
  /** Called once per order this processor ends in the terminal `failed` state (for a metric). */
  readonly onOrderFailed?: (reason: OrderFailureReason) => void;
}

/** Why an order was failed; a closed list, so it can label a metric. */
export type OrderFailureReason = 'items_invalid';

export interface OrderJobResult {
  order_id: string;
  outcome: ConfirmOutcome | 'already_confirmed' | 'already_failed' | 'failed';
  total_cents: number;
}

export type OrderProcessor = (
  job: OrderJobLike,
  token?: string,
  signal?: AbortSignal,
) => Promise<OrderJobResult>;

const passThrough: RunInJobContext = (_fields, fn) => fn();

/** The context fields for a job's log lines; `request_id` only when the API sent one. */
export function jobContextFields(
  job: OrderJobLike,
  data?: Partial<OrderJobData>,
): JobContextFields {
  const fields: JobContextFields = {
    job_id: job.id ?? '(unknown)',
    queue: job.queueName,
    system: 'bullmq',
  };
  if (data?.request_id !== undefined) fields.request_id = data.request_id;
  return fields;
}

/**
 * The `order.confirm` processor: validate the job, load the order, compute its total, call the
 * provider, then confirm idempotently. Runs inside the logger's job context and a CONSUMER span that
 * continues the API's trace. Throws to fail the attempt (BullMQ retries with backoff); throws an
 * `UnrecoverableError` for data that can never succeed.
 */
export function createOrderProcessor(options: OrderProcessorOptions): OrderProcessor {
  const { db, logger, provider } = options;
  const runInJobContext = options.runInJobContext ?? passThrough;
  const tracer = options.tracer ?? trace.getTracer('@shipshape/example-worker');
  const now = options.now ?? (() => new Date());

  // Three declared parameters: BullMQ passes the abort signal only to processors that declare it.
  return async function processOrderJob(job, _token, signal) {
    const jobId = job.id ?? '(unknown)';
    const attempt = job.attemptsMade + 1;
    const data = parseOrderJobData(jobId, job.data);
    const traced = { id: jobId, name: job.name, queueName: job.queueName, attempt };
    return runInJobSpan(tracer, traced, data.trace_context, (span) =>
      runInJobContext(jobContextFields(job, data), async (): Promise<OrderJobResult> => {
        span.setAttribute('order.id', data.order_id);
        if (job.name !== ORDER_CONFIRM_JOB) {
          logger.warn('unexpected job name on the orders queue; processing as order.confirm', {
            job_name: job.name,
          });
        }
        logger.debug('order confirmation started', { order_id: data.order_id, attempt });
        const order = await loadOrder(db, data.order_id);
        if (order === undefined) throw new OrderNotFoundError(data.order_id);
        if (order.status === 'failed') {
          logger.info('order already failed; job ignored', { order_id: order.id, attempt });
          return { order_id: order.id, outcome: 'already_failed', total_cents: 0 };
        }
        let totalCents: number;
        try {
          totalCents = computeTotalCents(parseLineItems(order.id, order.items));
        } catch (error) {
          // Data that can never succeed: the order ends `failed` with the reason (visible to its
          // client through GET), and the job fails without retries.
          if (error instanceof InvalidOrderItemsError && order.status === 'pending') {
            const failed = await failOrder(db, {
              orderId: order.id,
              reason: error.message,
              failedAt: now(),
            });
            if (failed) options.onOrderFailed?.('items_invalid');
          }
          throw error;
        }
        if (order.status === 'confirmed') {
          logger.info('order already confirmed; duplicate delivery ignored', {
            order_id: order.id,
            attempt,
          });
          return { order_id: order.id, outcome: 'already_confirmed', total_cents: totalCents };
        }
        if (order.total_cents !== null && order.total_cents !== totalCents) {
          logger.warn('stored order total differs from its items; confirming the computed total', {
            order_id: order.id,
            stored_total_cents: order.total_cents,
            computed_total_cents: totalCents,
          });
        }
        const receipt = await provider.confirm(
          { orderId: order.id, totalCents, customerEmail: order.customer_email },
          signal,
        );
        if (signal?.aborted === true) {
          // Shutdown deadline or cancel: write nothing; the job is retried or recovered elsewhere.
          throw new Error(`job ${jobId} aborted before confirming: ${String(signal.reason)}`);
        }
        const outcome = await confirmOrder(db, {
          orderId: order.id,
          jobId,
          attempt,
          totalCents,
          confirmedAt: now(),
        });
        logger.info(outcome === 'confirmed' ? 'order confirmed' : 'order already confirmed', {
          order_id: order.id,
          total_cents: totalCents,
          attempt,
          provider_reference: receipt.reference,
          outcome,
        });
        return { order_id: order.id, outcome, total_cents: totalCents };
      }),
    );
  };
}
