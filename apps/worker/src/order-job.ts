import { UnrecoverableError } from 'bullmq';
import { z } from 'zod';

/** Queue and job names the API enqueues with (contracts: queue `orders`, job `order.confirm`, job id = order id). */
export const ORDER_QUEUE = 'orders';
export const ORDER_CONFIRM_JOB = 'order.confirm';

const traceContextSchema = z.object({
  traceparent: z.string().min(1).max(512),
  tracestate: z.string().max(1024).optional(),
});

const orderJobDataSchema = z.object({
  order_id: z.string().min(1).max(200),
  request_id: z.string().min(1).max(200).optional(),
  // A broken trace context must never fail the job: the work matters, the trace is a bonus.
  trace_context: traceContextSchema.optional().catch(undefined),
});

export type TraceCarrier = z.infer<typeof traceContextSchema>;
export type OrderJobData = z.infer<typeof orderJobDataSchema>;

/** Thrown for job data that can never succeed; BullMQ moves the job to `failed` without retrying. */
export class InvalidJobDataError extends UnrecoverableError {
  readonly code = 'JOB_DATA_INVALID';
  constructor(jobId: string, problems: string) {
    super(
      `job ${jobId} has invalid order.confirm data (${problems}); it will not be retried. ` +
        'Inspect it in the failed set and fix the producer that enqueued it.',
    );
    this.name = 'InvalidJobDataError';
  }
}

/** Validates `job.data`; throws {@link InvalidJobDataError} listing every problem. */
export function parseOrderJobData(jobId: string, data: unknown): OrderJobData {
  const result = orderJobDataSchema.safeParse(data);
  if (!result.success) {
    const problems = result.error.issues
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .join('; ');
    throw new InvalidJobDataError(jobId, problems);
  }
  return result.data;
}
