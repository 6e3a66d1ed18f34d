/**
 * The orders API, composed in start-up order. Shutdown closes in the reverse order of
 * registration: public server, admin server, metrics, queue, Redis, database, then the final
 * hooks (log flush, then telemetry flush).
 *
 *   node --import @shipshape/telemetry/register dist/main.js
 */
import { telemetry } from '@shipshape/telemetry/register'; // first: when not preloaded, it starts here
import { exitOnConfigError, loadConfigOrExit, redactConfig } from '@shipshape/config';
import { createHealth } from '@shipshape/health';
import { eventLoopDelayCheck, knexCheck, redisCheck } from '@shipshape/health/checks';
import {
  accessLog,
  createLogger,
  logLevelHandler,
  requestContext,
  type Logger,
} from '@shipshape/logger';
import { createMetrics } from '@shipshape/metrics';
import { createShutdown, type Shutdown } from '@shipshape/shutdown';
import { adminInfo } from './admin/admin-info.js';
import { adminListener } from './admin/admin-server.js';
import { rules, schema } from './config.js';
import { createDatabase } from './db/connection.js';
import { migrateToLatest } from './db/migrate.js';
import { createApp } from './http/app.js';
import { createHttpServer, listen } from './http/server.js';
import { createOrdersRepository } from './orders/repository.js';
import { outboxMetrics } from './outbox/outbox-metrics.js';
import { createOutboxStore } from './outbox/outbox-store.js';
import { createOutboxRelay } from './outbox/relay.js';
import { readPackageInfo } from './package-info.js';
import { createOrderQueue, QUEUE_NAME } from './queue/order-queue.js';
import { inProducerSpan, inTraceOf, traceContextFor } from './queue/trace-context.js';
import { closeRedis, createRedis, waitUntilReady } from './redis.js';

const SERVICE = 'api';
/** How long start-up waits for the Redis connection before it reports started anyway. */
const REDIS_READY_WAIT_MS = 2000;

// 1. Configuration: every mistake in one message, exit 78, before any port opens.
const config = loadConfigOrExit(schema, { rules });
const { version } = readPackageInfo();

// 2. Logger.
// Lines go to stdout, and also out as OTLP log records when a logs exporter is configured.
const otelLogs = telemetry.logTransport();
// Its own options check backs up the schema's; should it fire, it is a config error (exit 78).
let logger: Logger;
try {
  logger = createLogger({
    service: SERVICE,
    version,
    commit: config.build.commit,
    level: config.log.level,
    format: config.log.format,
    destination: process.stdout,
    maxModuleLevels: config.log.maxModuleLevels,
    ...(otelLogs === undefined ? {} : { transports: [otelLogs] }),
  });
} catch (error) {
  exitOnConfigError(error);
}
// At debug: start-up at info fits on a screen. Secrets show as [REDACTED].
logger.debug('configuration loaded', { config: redactConfig(config) });

// 3. Shutdown coordinator: SIGTERM/SIGINT → readiness fails → drain delay → hooks LIFO → finals → exit.
// Its own options check backs up the schema's rules; should it fire, it is a config error (exit 78).
let shutdown: Shutdown;
try {
  shutdown = createShutdown({
    logger,
    timeoutMs: config.shutdown.timeout,
    drainDelayMs: config.shutdown.drainDelay,
  });
} catch (error) {
  exitOnConfigError(error);
}
// 4. Telemetry (started by --import). Finals run last-in-first-out: the log flush comes first, so
// the shutdown's own lines still reach OTLP, then the telemetry flush (spans, logs, metrics).
shutdown.addFinal('telemetry', () => telemetry.shutdown());
shutdown.addFinal('logger', () => logger.flush());

await shutdown.startup(async () => {
  // 5. Database (and, for the embedded SQLite file, its migrations).
  const database = createDatabase({
    url: config.database.url,
    file: config.database.file,
    poolMin: config.database.poolMin,
    poolMax: config.database.poolMax,
    acquireTimeoutMs: config.database.acquireTimeout,
  });
  shutdown.add('database', () => database.db.destroy());
  const migrate =
    config.database.migrateOnStart === 'always' ||
    (config.database.migrateOnStart === 'auto' && database.kind === 'sqlite');
  if (migrate) {
    const result = await migrateToLatest(database.db);
    logger.info(`database migrated (${result.applied.length} applied)`, {
      applied: result.applied,
    });
  }
  const outbox = createOutboxStore(database.db);
  const repository = createOrdersRepository(database.db, {
    outbox,
    publishLeaseMs: config.outbox.publishLease,
  });

  // 6. Redis and the queue producer.
  const redis = createRedis(config.redis.url, logger);
  shutdown.add('redis', () => closeRedis(redis));
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
  shutdown.add('queue', () => orderQueue.close());

  // 7. Health: liveness never looks at dependencies (a Redis outage must not restart every pod).
  // Redis is not critical for readiness: orders still commit (with their outbox record) while it
  // is down, and the relay publishes their jobs when it is back. It shows as `warn`.
  const health = createHealth({ logger, verbose: 'always' }); // ?verbose only past adminAccess
  health.liveness.add('event-loop', eventLoopDelayCheck());
  health.readiness.add('database', knexCheck(database.db));
  health.readiness.add('redis', redisCheck(redis), { critical: false });
  health.readiness.add('outbox', async () => ({ ...(await outbox.stats()) }), { critical: false });
  shutdown.onDraining(() => health.draining());

  // 8. Metrics.
  const metrics = createMetrics({ service: SERVICE, version, commit: config.build.commit, logger });
  telemetry.exportMetrics(metrics.registry); // the same series over OTLP, when a metrics exporter is set
  metrics.instrumentKnex(database.db);
  metrics.instrumentQueue(orderQueue.queue);
  metrics.observeHealth(health);
  metrics.observeShutdown(shutdown);
  shutdown.add('metrics', () => metrics.stop());

  // 9. The outbox relay: publishes what requests did not, re-drives orders whose jobs were lost or
  // ran out of attempts. Stopped before the queue and the database it uses are closed.
  const relay = createOutboxRelay({
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
  });
  shutdown.add('outbox relay', () => relay.stop());

  // 10. Servers: admin first so probes answer while the public port drains (closed last of the two).
  const app = createApp({
    logger,
    repository,
    shutdownSignal: shutdown.signal,
    bodyLimitBytes: config.server.bodyLimit,
    // One context, clock, route resolution and close listener for the access log and RED metrics.
    middleware: [requestContext({ observers: [accessLog(logger), metrics.httpMiddleware()] })],
    enqueueConfirmation: (order, context) =>
      inProducerSpan(QUEUE_NAME, order.id, () =>
        orderQueue.enqueueConfirmation({
          order_id: order.id,
          ...(context.requestId === undefined ? {} : { request_id: context.requestId }),
          ...optionalTrace(traceContextFor(context)),
        }),
      ),
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
  const adminServer = createHttpServer(
    adminListener({
      token: config.admin.token,
      health: health.handler,
      metrics: metrics.handler,
      logLevel: logLevelHandler(logger, {
        defaultExpiresInMs: config.log.levelChangeExpiry,
        maxExpiresInMs: config.log.levelChangeMaxExpiry,
      }),
      info: adminInfo({
        service: SERVICE,
        version,
        commit: config.build.commit,
        database: database.kind,
        queue: QUEUE_NAME,
        queuePrefix: config.queue.prefix,
        telemetry: telemetry.enabled,
      }),
    }),
    {
      requestTimeoutMs: config.server.requestTimeout,
      headersTimeoutMs: config.server.headersTimeout,
    },
  );
  shutdown.addHttpServer('admin server', adminServer);
  shutdown.addHttpServer('http server', server); // registered last → closed first
  const adminPort = await listen(adminServer, config.admin.port, config.admin.host, 'ADMIN_PORT');
  const port = await listen(server, config.server.port, config.server.host, 'SERVER_PORT');
  await waitUntilReady(redis, REDIS_READY_WAIT_MS);
  relay.start();
  health.markStarted();
  logger.info(
    `api listening on ${config.server.host}:${port} (admin ${config.admin.host}:${adminPort})`,
    {
      port,
      admin_port: adminPort,
      database: database.location,
      telemetry: telemetry.enabled,
    },
  );
});

function optionalTrace<T>(traceContext: T | undefined): { trace_context?: T } {
  return traceContext === undefined ? {} : { trace_context: traceContext };
}
