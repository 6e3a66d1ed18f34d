/**
 * The orders API, composed in start-up order. Shutdown closes in the reverse order of
 * registration: public server, admin server, metrics, queue, Redis, database, then the final
 * hooks (span flush, log flush).
 *
 *   node --import ./dist/telemetry.js dist/main.js
 */
import { telemetry } from './telemetry.js'; // first: when not preloaded with --import, it starts here
import { loadConfigOrExit, redactConfig } from '@shipshape/config';
import { createHealth, eventLoopDelayCheck, knexCheck, redisCheck } from '@shipshape/health';
import { accessLog, createLogger, logLevelHandler, requestContext } from '@shipshape/logger';
import { createMetrics } from '@shipshape/metrics';
import { createShutdown } from '@shipshape/shutdown';
import { adminListener } from './admin/admin-server.js';
import { infoHandler } from './admin/info.js';
import { schema } from './config.js';
import { createDatabase } from './db/connection.js';
import { migrateToLatest } from './db/migrate.js';
import { createApp } from './http/app.js';
import { createHttpServer, listen } from './http/server.js';
import { createOrdersRepository } from './orders/repository.js';
import { readPackageInfo } from './package-info.js';
import { createOrderQueue, QUEUE_NAME } from './queue/order-queue.js';
import { inProducerSpan, traceContextFor } from './queue/trace-context.js';
import { closeRedis, createRedis, waitUntilReady } from './redis.js';

const SERVICE = 'api';
/** How long start-up waits for the Redis connection before it reports started anyway. */
const REDIS_READY_WAIT_MS = 2000;

// 1. Configuration: every mistake in one message, exit 78, before any port opens.
const config = loadConfigOrExit(schema);
const { version } = readPackageInfo();

// 2. Logger.
const logger = createLogger({
  service: SERVICE,
  version,
  level: config.log.level,
  format: config.log.format,
});
logger.info('configuration loaded', { config: redactConfig(config) }); // secrets show as [REDACTED]

// 3. Shutdown coordinator: SIGTERM/SIGINT → readiness fails → drain delay → hooks LIFO → finals → exit.
const shutdown = createShutdown({
  logger,
  timeoutMs: config.shutdown.timeout,
  drainDelayMs: config.shutdown.drainDelay,
});
shutdown.addFinal('logger', () => logger.flush());

// 4. Telemetry (already started by --import): its span flush runs as a final hook, before the log flush.
shutdown.addFinal('telemetry', () => telemetry.shutdown());

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
  const repository = createOrdersRepository(database.db);

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
  const health = createHealth({ logger });
  health.liveness.add('event-loop', eventLoopDelayCheck());
  health.readiness.add('database', knexCheck(database.db));
  health.readiness.add('redis', redisCheck(redis));
  shutdown.onDraining(() => health.draining());

  // 8. Metrics.
  const metrics = createMetrics({ service: SERVICE, version, commit: config.build.commit, logger });
  metrics.instrumentKnex(database.db);
  metrics.instrumentQueue(orderQueue.queue);
  metrics.observeHealth(health);
  metrics.observeShutdown(shutdown);
  shutdown.add('metrics', () => metrics.stop());

  // 9. Servers: admin first so probes answer while the public port drains (closed last of the two).
  const app = createApp({
    logger,
    repository,
    shutdownSignal: shutdown.signal,
    bodyLimitBytes: config.server.bodyLimit,
    middleware: [requestContext(), accessLog(logger), metrics.httpMiddleware()],
    enqueueConfirmation: (order, context) =>
      inProducerSpan(QUEUE_NAME, order.id, () =>
        orderQueue.enqueueConfirmation({
          order_id: order.id,
          ...(context.requestId === undefined ? {} : { request_id: context.requestId }),
          ...optionalTrace(traceContextFor(context)),
        }),
      ),
  });
  const server = createHttpServer(app, {
    requestTimeoutMs: config.server.requestTimeout,
    headersTimeoutMs: config.server.headersTimeout,
    keepAliveTimeoutMs: config.server.keepAliveTimeout,
  });
  const adminServer = createHttpServer(
    adminListener({
      health: health.handler,
      metrics: metrics.handler,
      logLevel: logLevelHandler(logger),
      info: infoHandler({
        service: SERVICE,
        version,
        commit: config.build.commit,
        details: {
          database: database.kind,
          queue: QUEUE_NAME,
          queue_prefix: config.queue.prefix,
          telemetry: telemetry.exporter,
        },
      }),
    }),
    {
      requestTimeoutMs: config.server.requestTimeout,
      headersTimeoutMs: config.server.headersTimeout,
    },
  );
  shutdown.addHttpServer('admin server', adminServer);
  shutdown.addHttpServer('http server', server); // registered last → closed first
  const adminPort = await listen(adminServer, config.admin.port, config.admin.host);
  const port = await listen(server, config.server.port, config.server.host);
  await waitUntilReady(redis, REDIS_READY_WAIT_MS);
  health.markStarted();
  logger.info(
    `api listening on ${config.server.host}:${port} (admin ${config.admin.host}:${adminPort})`,
    {
      port,
      admin_port: adminPort,
      database: database.location,
      telemetry: telemetry.exporter,
    },
  );
});

function optionalTrace<T>(traceContext: T | undefined): { trace_context?: T } {
  return traceContext === undefined ? {} : { trace_context: traceContext };
}
