// One contender of the BullMQ tracing comparison, in a process of its own (started by compare.ts):
// simulated requests each add one `order.confirm` job inside a SERVER span, a Worker in the same
// process processes them, and the process reports jobs/s, CPU per job and the spans it recorded.
//
//   node dist/bullmq-otel/contender.js <baseline|server-span-only|hand-written|bullmq-otel> \
//     <jobs> <warmup> <prefix>
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context,
  propagation,
  trace,
  type Span,
  type TextMapPropagator,
  type Tracer,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { Queue, Worker, type Job, type QueueOptions, type WorkerOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { redisUrl } from '../queue-keys.js';
import { traceShape, type TraceShape } from './trace-shape.js';

/**
 * `server-span-only` is not a choice but an attribution: the SDK, the context manager and the
 * request's SERVER span without any queue tracing, so the queue's own share of the cost shows.
 */
export const CONTENDERS = ['baseline', 'server-span-only', 'hand-written', 'bullmq-otel'] as const;
export type Contender = (typeof CONTENDERS)[number];

export interface ContenderResult {
  readonly contender: Contender;
  readonly jobs: number;
  readonly jobsPerSecond: number;
  readonly cpuMicrosPerJob: number;
  readonly shape: TraceShape;
}

// The example apps' names and defaults (apps/api/src/queue/order-queue.ts, apps/worker/src/order-worker.ts).
const QUEUE_NAME = 'orders';
const CONFIRM_JOB_NAME = 'order.confirm';
const WORKER_CONCURRENCY = 5;
/** Requests in flight at once, each adding one job (as concurrent POST /v1/orders would). */
const REQUESTS_IN_FLIGHT = 16;

interface TraceContext {
  readonly traceparent: string;
  readonly tracestate?: string;
}
interface JobData {
  readonly order_id: string;
  readonly request_id: string;
  readonly trace_context?: TraceContext;
}

// --- The hand-written propagation, copied from the apps (not imported: that drags their config). ---

/** apps/api/src/queue/trace-context.ts `traceContextFor()` (the injecting branch). */
function traceContextFor(): TraceContext | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  const injected = carrier['traceparent'];
  if (injected === undefined) return undefined;
  const state = carrier['tracestate'];
  return state === undefined
    ? { traceparent: injected }
    : { traceparent: injected, tracestate: state };
}

/** apps/api/src/queue/trace-context.ts `inProducerSpan()`. */
function inProducerSpan<T>(tracer: Tracer, jobId: string, fn: () => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(
    `send ${QUEUE_NAME}`,
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        'messaging.system': 'bullmq',
        'messaging.operation.type': 'send',
        'messaging.operation.name': 'send',
        'messaging.destination.name': QUEUE_NAME,
        'messaging.message.id': jobId,
      },
    },
    async (span: Span) => {
      try {
        return await fn();
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/** apps/worker/src/job-tracing.ts `runInJobSpan()`. */
function runInJobSpan<T>(
  tracer: Tracer,
  job: Job<JobData>,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const carrier = job.data.trace_context;
  const parent = carrier ? propagation.extract(ROOT_CONTEXT, carrier) : ROOT_CONTEXT;
  return tracer.startActiveSpan(
    `process ${job.queueName}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': 'bullmq',
        'messaging.operation.type': 'process',
        'messaging.operation.name': 'process',
        'messaging.destination.name': job.queueName,
        'messaging.message.id': job.id ?? '',
        'bullmq.job.name': job.name,
        'bullmq.job.attempt': job.attemptsMade + 1,
      },
    },
    parent,
    async (span) => {
      try {
        const result = await fn(span);
        span.setStatus({ code: SpanStatusCode.OK });
        return result;
      } catch (error) {
        const err = error instanceof Error ? error : new Error(String(error));
        span.recordException(err);
        span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

// --- The run. ---

/**
 * The W3C propagator the Node SDK registers, from @opentelemetry/core: the very copy
 * sdk-trace-base depends on (bench does not depend on core itself).
 */
function w3cPropagator(): TextMapPropagator {
  const requireFromSdk = createRequire(import.meta.resolve('@opentelemetry/sdk-trace-base'));
  const core = requireFromSdk('@opentelemetry/core') as {
    W3CTraceContextPropagator: new () => TextMapPropagator;
  };
  return new core.W3CTraceContextPropagator();
}

function startTracing(): InMemorySpanExporter {
  const exporter = new InMemorySpanExporter();
  // Simple, not Batch: the batch processor's queue (2048) would drop spans of a 5,000-job burst.
  trace.setGlobalTracerProvider(
    new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
  );
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(w3cPropagator());
  return exporter;
}

export async function runContender(
  contender: Contender,
  jobs: number,
  warmup: number,
  prefix: string,
): Promise<ContenderResult> {
  const exporter = contender === 'baseline' ? undefined : startTracing();
  const tracer = trace.getTracer('bench-bullmq-otel');
  const telemetry =
    contender === 'bullmq-otel'
      ? new (await import('bullmq-otel')).BullMQOtel({ tracerName: QUEUE_NAME })
      : undefined;
  const withTelemetry = telemetry === undefined ? {} : { telemetry };

  const queueConnection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const workerConnection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  // The API's queue defaults (ORDER_QUEUE_DEFAULTS) and the worker's (ORDER_WORKER_DEFAULTS).
  const queueOptions: QueueOptions = {
    connection: queueConnection,
    prefix,
    defaultJobOptions: {
      attempts: 5,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: { age: 24 * 3600, count: 1000 },
      removeOnFail: { age: 7 * 24 * 3600, count: 5000 },
    },
    ...withTelemetry,
  };
  const queue = new Queue<JobData>(QUEUE_NAME, queueOptions);

  // The work itself is nil: what is measured is the queue and the tracing around it.
  const work = (job: Job<JobData>) => Promise.resolve({ order_id: job.data.order_id });
  const processor =
    contender === 'hand-written'
      ? (job: Job<JobData>) => runInJobSpan(tracer, job, () => work(job))
      : work;
  const workerOptions: WorkerOptions = {
    connection: workerConnection,
    prefix,
    concurrency: WORKER_CONCURRENCY,
    removeOnComplete: { age: 24 * 3600, count: 1000 },
    removeOnFail: { age: 7 * 24 * 3600, count: 5000 },
    ...withTelemetry,
  };
  const worker = new Worker<JobData>(QUEUE_NAME, processor, workerOptions);
  worker.on('error', (error) => {
    console.error('worker error:', error);
  });

  let completed = 0;
  let target = 0;
  let onTarget: () => void = () => undefined;
  worker.on('completed', () => {
    if (++completed === target) onTarget();
  });
  worker.on('failed', (job, error) => {
    console.error(`job ${job?.id ?? '?'} failed:`, error);
  });

  /** One simulated POST /v1/orders: a SERVER span (when tracing), then the enqueue. */
  async function request(orderId: string): Promise<void> {
    const data = { order_id: orderId, request_id: randomUUID() };
    const add = (extra: Partial<JobData>) =>
      queue.add(CONFIRM_JOB_NAME, { ...data, ...extra }, { jobId: orderId });
    if (contender === 'baseline') {
      await add({});
      return;
    }
    await tracer.startActiveSpan('POST /v1/orders', { kind: SpanKind.SERVER }, async (server) => {
      try {
        if (contender === 'hand-written') {
          await inProducerSpan(tracer, orderId, () => {
            const traceContext = traceContextFor();
            return add(traceContext === undefined ? {} : { trace_context: traceContext });
          });
        } else {
          // bullmq-otel: the Queue's telemetry makes the PRODUCER span and carries the context;
          // server-span-only: no queue tracing at all.
          await add({});
        }
      } finally {
        server.end();
      }
    });
  }

  /** Adds `count` jobs, REQUESTS_IN_FLIGHT at a time, and resolves once all are completed. */
  async function batch(label: string, count: number): Promise<void> {
    completed = 0;
    target = count;
    const done = new Promise<void>((resolve) => {
      onTarget = resolve;
    });
    let next = 0;
    const requester = async () => {
      while (next < count) {
        const i = next++;
        await request(`${label}-${i}`);
      }
    };
    await Promise.all(Array.from({ length: REQUESTS_IN_FLIGHT }, requester));
    await done;
  }

  await worker.waitUntilReady();
  await queue.waitUntilReady();
  if (warmup > 0) await batch('warmup', warmup);
  // Let the last warm-up spans end, then forget them.
  await new Promise((resolve) => setTimeout(resolve, 50));
  exporter?.reset();

  const cpuBefore = process.cpuUsage();
  const startMs = performance.now();
  await batch('job', jobs);
  const elapsedMs = performance.now() - startMs;
  const cpu = process.cpuUsage(cpuBefore);
  const endEpochMs = performance.timeOrigin + startMs + elapsedMs;

  // The last process spans end just after their 'completed' event.
  await new Promise((resolve) => setTimeout(resolve, 50));
  const spans = (exporter?.getFinishedSpans() ?? []).filter(
    (span) => span.startTime[0] * 1000 + span.startTime[1] / 1e6 <= endEpochMs,
  );
  const shape = traceShape(spans, jobs);

  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  queueConnection.disconnect();
  workerConnection.disconnect();

  return {
    contender,
    jobs,
    jobsPerSecond: (jobs / elapsedMs) * 1000,
    cpuMicrosPerJob: (cpu.user + cpu.system) / jobs,
    shape,
  };
}

const isMain = process.argv[1] !== undefined && import.meta.filename === process.argv[1];
if (isMain) {
  const [
    name = '',
    jobs = '5000',
    warmup = '500',
    prefix = `shipshape-bench-otel-${randomUUID()}`,
  ] = process.argv.slice(2);
  if (!(CONTENDERS as readonly string[]).includes(name)) {
    console.error(`unknown contender "${name}": one of ${CONTENDERS.join(', ')}`);
    process.exit(2);
  }
  const result = await runContender(name as Contender, Number(jobs), Number(warmup), prefix);
  console.log('@bench', JSON.stringify(result));
  process.exit(0);
}
