// The example API's POST /v1/orders, composed from its own built modules (apps/api/dist), in one
// of two ways:
//   outbox          as apps/api/src/main.ts wires it: the order and its outbox row commit in one
//                   transaction, the request publishes the job, the outbox relay runs;
//   direct-enqueue  the behaviour before the outbox (commit 1de6bcd): the repository inserts the
//                   order row alone, and the request awaits the same enqueue.
// Settings come from the API's own schema and the environment (DATABASE_URL or DATABASE_FILE,
// REDIS_URL, QUEUE_PREFIX), as for the app. Log lines go to a file, not through the runner's pipe.
// On SIGTERM the child waits for the requests in flight, reports what it wrote, and exits.
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfigOrExit } from '@shipshape/config';
import { accessLog, createLogger, requestContext, type Level } from '@shipshape/logger';
import { createMetrics } from '@shipshape/metrics';
import type { RequestHandler } from 'express';
import {
  apiModule,
  type ApiConfig,
  type EnqueueContext,
  type Order,
  type OrdersRepository,
} from '../api-dist.js';
import { directCreate } from '../direct-create.js';

const variant = process.argv[2] ?? '';
if (variant !== 'outbox' && variant !== 'direct-enqueue')
  throw new Error(`unknown orders bench variant "${variant}" (outbox or direct-enqueue)`);
const logFile = join(tmpdir(), `shipshape-bench-orders-${process.pid}.log`);

const [
  { schema, rules },
  { withDatabase },
  { createDatabase },
  { migrateToLatest },
  { createApp },
  { createHttpServer, listen },
  { createIdGenerator },
  { orderTotalCents },
  { createOrdersRepository },
  { createOutboxStore },
  { outboxMetrics },
  { createOutboxRelay },
  { createOrderQueue, QUEUE_NAME },
  { traceContextFor, inTraceOf, inProducerSpan },
  { createRedis, waitUntilReady },
  { readPackageInfo },
] = await Promise.all([
  apiModule('config.js'),
  apiModule('errors.js'),
  apiModule('db/connection.js'),
  apiModule('db/migrate.js'),
  apiModule('http/app.js'),
  apiModule('http/server.js'),
  apiModule('orders/ids.js'),
  apiModule('orders/validation.js'),
  apiModule('orders/repository.js'),
  apiModule('outbox/outbox-store.js'),
  apiModule('outbox/outbox-metrics.js'),
  apiModule('outbox/relay.js'),
  apiModule('queue/order-queue.js'),
  apiModule('queue/trace-context.js'),
  apiModule('redis.js'),
  apiModule('package-info.js'),
]);

// The API's schema is typed in its source, which the bench does not import: read it as ApiConfig.
const config = loadConfigOrExit(schema as never, { rules: rules as never }) as ApiConfig;
const { version } = readPackageInfo();
const logger = createLogger({
  service: 'api',
  version,
  commit: config.build.commit,
  level: config.log.level as Level,
  format: config.log.format,
  destination: { path: logFile },
});
const metrics = createMetrics({ service: 'api', version, commit: config.build.commit, logger });

// 5. Database, migrated at start for the embedded file as the app does (PostgreSQL: by the runner).
const database = createDatabase({
  url: config.database.url,
  file: config.database.file,
  poolMin: config.database.poolMin,
  poolMax: config.database.poolMax,
  acquireTimeoutMs: config.database.acquireTimeout,
});
const { db } = database;
if (
  config.database.migrateOnStart === 'always' ||
  (config.database.migrateOnStart === 'auto' && database.kind === 'sqlite')
)
  await migrateToLatest(db);
const outbox = createOutboxStore(db);
const outboxRepository = createOrdersRepository(db, {
  outbox,
  publishLeaseMs: config.outbox.publishLease,
});
const repository: OrdersRepository =
  variant === 'outbox'
    ? outboxRepository
    : {
        ...outboxRepository,
        create: directCreate(db, { withDatabase, nextId: createIdGenerator(), orderTotalCents }),
      };

// 6. Redis and the queue producer.
const redis = createRedis(config.redis.url, logger);
const orderQueue = createOrderQueue({
  connection: redis,
  prefix: config.queue.prefix,
  attempts: config.queue.jobAttempts,
  backoffMs: config.queue.jobBackoff,
  removeOnComplete: {
    age: config.queue.completedRetention / 1000,
    count: config.queue.completedKeep,
  },
  removeOnFail: { age: config.queue.failedRetention / 1000, count: config.queue.failedKeep },
  enqueueTimeoutMs: config.queue.enqueueTimeout,
});

// 8. Metrics.
metrics.instrumentKnex(db as never);
metrics.instrumentQueue(orderQueue.queue);

// 9. The outbox relay, only where there is an outbox.
const relay =
  variant === 'outbox'
    ? createOutboxRelay({
        store: outbox,
        logger,
        pollIntervalMs: config.outbox.pollInterval,
        leaseMs: config.outbox.publishLease,
        recheckIntervalMs: config.outbox.recheckInterval,
        batchSize: config.outbox.batchSize,
        observer: outboxMetrics(metrics.registry),
        publish: (record) =>
          inTraceOf(record.traceContext, () =>
            inProducerSpan(QUEUE_NAME, record.orderId, () =>
              orderQueue.ensureConfirmation({
                order_id: record.orderId,
                ...(record.requestId === undefined ? {} : { request_id: record.requestId }),
                ...optionalTrace(traceContextFor()),
              }),
            ),
          ),
      })
    : undefined;

// What the requests did, counted around the API's own code, for the runner's checks.
const counts = { creating: 0, created: 0, enqueuing: 0, enqueueFailures: 0 };
const counted: OrdersRepository = {
  ...repository,
  async create(request) {
    counts.creating++;
    try {
      const result = await repository.create(request);
      if (result.outcome === 'created') counts.created++;
      return result;
    } finally {
      counts.creating--;
    }
  },
};
async function enqueueConfirmation(order: Order, context: EnqueueContext): Promise<void> {
  counts.enqueuing++;
  try {
    await inProducerSpan(QUEUE_NAME, order.id, () =>
      orderQueue.enqueueConfirmation({
        order_id: order.id,
        ...(context.requestId === undefined ? {} : { request_id: context.requestId }),
        ...optionalTrace(traceContextFor(context)),
      }),
    );
  } catch (error) {
    counts.enqueueFailures++; // the route answers 201 anyway: a failure would hide in the figures
    throw error;
  } finally {
    counts.enqueuing--;
  }
}

// 10. The public server (no admin server: nothing probes it here).
const app = createApp({
  logger,
  repository: counted,
  shutdownSignal: new AbortController().signal,
  bodyLimitBytes: config.server.bodyLimit,
  middleware: [requestContext(), accessLog(logger), metrics.httpMiddleware()] as RequestHandler[],
  enqueueConfirmation,
  expediteConfirmation: (order, context) =>
    outbox.expedite({
      orderId: order.id,
      traceContext: traceContextFor(context),
    }),
});
const server = createHttpServer(app, {
  requestTimeoutMs: config.server.requestTimeout,
  headersTimeoutMs: config.server.headersTimeout,
  keepAliveTimeoutMs: config.server.keepAliveTimeout,
});
const port = await listen(server, 0, '127.0.0.1', 'SERVER_PORT');
await waitUntilReady(redis, 2000);
relay?.start();
console.log('@bench', JSON.stringify({ port, database: database.kind }));

process.once('SIGTERM', () => {
  report().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
});

async function report(): Promise<void> {
  server.close();
  await relay?.stop();
  // The load generator has gone; requests it left in flight still commit and enqueue.
  const deadline = performance.now() + 10_000;
  while ((counts.creating > 0 || counts.enqueuing > 0) && performance.now() < deadline)
    await sleep(10);
  const rows = async (query: ReturnType<typeof db>) =>
    Number(((await query.count({ n: '*' }).first()) as { n: number | string }).n);
  const jobCounts = await orderQueue.queue.getJobCounts();
  console.log(
    '@bench',
    JSON.stringify({
      event: 'stopped',
      orders_created: counts.created,
      orders_in_database: await rows(db('orders')),
      // An order's outbox record is in its own row (apps/api/src/outbox/outbox-store.ts).
      outbox_rows: await rows(db('orders').whereNotNull('outbox_available_at')),
      jobs: Object.values(jobCounts).reduce((sum, n) => sum + n, 0),
      enqueue_failures: counts.enqueueFailures,
      in_flight: counts.creating + counts.enqueuing,
    }),
  );
  await logger.flush();
  rmSync(logFile, { force: true });
}

function optionalTrace<T>(traceContext: T | undefined): { trace_context?: T } {
  return traceContext === undefined ? {} : { trace_context: traceContext };
}
