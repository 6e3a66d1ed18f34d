/**
 * The example worker, composed in start-up order:
 * config → logger → shutdown → telemetry → database → Redis/worker → health → metrics → admin server → run.
 * Shutdown closes in reverse: the worker stops first (it consumes everything else), the database last.
 */
import { telemetry } from '@shipshape/telemetry/register'; // first: when not preloaded, it starts here
import { Queue } from 'bullmq';
import { exitOnConfigError, loadConfigOrExit, redactConfig } from '@shipshape/config';
import { createHealth } from '@shipshape/health';
import {
  bullmqWorkerCheck,
  eventLoopDelayCheck,
  knexCheck,
  redisCheck,
} from '@shipshape/health/checks';
import { createLogger, logLevelHandler, runInJobContext, type Logger } from '@shipshape/logger';
import { createMetrics } from '@shipshape/metrics';
import { createShutdown, type Shutdown } from '@shipshape/shutdown';
import { adminInfo } from './admin-info.js';
import { createAdminServer } from './admin-server.js';
import { readVersion } from './build-info.js';
import { workerRules, workerSchema } from './config.js';
import { createDatabase } from './database.js';
import { listen } from './listen.js';
import { failedOrdersCounter } from './order-metrics.js';
import { createOrderProcessor } from './order-processor.js';
import { createOrderWorker } from './order-worker.js';
import { createProviderStandIn } from './provider.js';
import { createQueueBoard } from './queue-board.js';
import { closeRedis, createRedisConnection, isConnectionError } from './redis.js';
import { shutdownBudget } from './shutdown-budget.js';
import { waitForSchema } from './wait-for-schema.js';

const SERVICE = 'worker';
const version = readVersion();

// 1. Config: every bad key listed at once, exit 78, before anything opens.
const config = loadConfigOrExit(workerSchema, { rules: workerRules });

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

// 3. Shutdown coordinator (signals, deadline, LIFO hooks); logs and spans are flushed last.
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
  logger.info('starting', { node_version: process.version, telemetry: telemetry.enabled });

  // 5. Database (the API's schema; the worker never migrates).
  const database = createDatabase({
    url: config.database.url,
    file: config.database.file,
    poolMin: config.database.poolMin,
    poolMax: config.database.poolMax,
    acquireTimeoutMs: config.database.acquireTimeout,
  });
  shutdown.add('database', () => database.close());

  // 6. Redis and the worker (created paused; it runs once everything around it is up).
  const redis = createRedisConnection(config.redis.url, { logger, connectionName: SERVICE });
  shutdown.add('redis', () => closeRedis(redis));
  const queue = new Queue(config.queue.name, { connection: redis, prefix: config.queue.prefix });
  queue.on('error', (error) => {
    if (!isConnectionError(error)) logger.warn('queue client error', { err: error });
  });
  shutdown.add('queue', () => queue.close());
  const failedOrders = failedOrdersCounter();
  const processor = createOrderProcessor({
    db: database.knex,
    logger,
    provider: createProviderStandIn({ latencyMs: config.worker.providerLatency }),
    runInJobContext,
    onOrderFailed: (reason) => failedOrders.inc({ reason }),
  });
  const orders = createOrderWorker(processor, {
    connection: redis,
    logger,
    runInJobContext,
    queueName: config.queue.name,
    prefix: config.queue.prefix,
    concurrency: config.worker.concurrency,
    lockDurationMs: config.worker.lockDuration,
    stalledIntervalMs: config.worker.stalledInterval,
    maxStalledCount: config.worker.maxStalledCount,
    keepCompleted: {
      age: Math.round(config.worker.keepCompletedAge / 1000),
      count: config.worker.keepCompletedCount,
    },
    keepFailed: {
      age: Math.round(config.worker.keepFailedAge / 1000),
      count: config.worker.keepFailedCount,
    },
    autorun: false,
  });

  // 7. Health: liveness is the process itself; readiness is Redis, the database and a running worker.
  const health = createHealth({ logger, verbose: 'always' }); // ?verbose only past adminAccess
  health.liveness.add('event-loop', eventLoopDelayCheck());
  health.readiness.add('redis', redisCheck(redis));
  health.readiness.add('database', knexCheck(database.knex));
  health.readiness.add('worker', bullmqWorkerCheck(orders.worker));
  shutdown.onDraining(() => health.draining());

  // 8. Metrics.
  const metrics = createMetrics({ service: SERVICE, version, commit: config.build.commit });
  telemetry.exportMetrics(metrics.registry); // the same series over OTLP, when a metrics exporter is set
  metrics.instrumentKnex(database.knex);
  metrics.instrumentQueue(queue);
  metrics.instrumentWorker(orders.worker);
  metrics.registry.registerMetric(failedOrders);
  metrics.observeHealth(health);
  metrics.observeShutdown(shutdown);
  shutdown.add('metrics', () => metrics.stop());

  // 9. Admin server (probes, metrics, log levels, info, queue board); closed after the worker has
  // drained. The board takes actions only when a token is set (so every request to it carried one).
  const board = createQueueBoard({
    redisUrl: config.redis.url,
    queueName: config.queue.name,
    prefix: config.queue.prefix,
    actions: config.admin.token !== '',
  });
  shutdown.add('queue-board', () => board.close());
  const admin = createAdminServer({
    token: config.admin.token,
    health: health.handler,
    metrics: metrics.handler,
    logLevel: logLevelHandler(logger, {
      defaultExpiresInMs: config.log.levelChangeExpiry,
      maxExpiresInMs: config.log.levelChangeMaxExpiry,
    }),
    board,
    info: adminInfo(
      {
        service: SERVICE,
        version,
        commit: config.build.commit,
        database: database.kind,
        queue: config.queue.name,
        queuePrefix: config.queue.prefix,
        telemetry: telemetry.enabled,
      },
      () => ({
        state: shutdown.state,
        concurrency: config.worker.concurrency,
        active_jobs: orders.activeJobIds(),
      }),
    ),
  });
  shutdown.addHttpServer('admin', admin);
  await listen(admin, config.admin.port, config.admin.host);

  // 10. Registered last, so on shutdown the worker stops first, while Redis and the database are up.
  const budget = shutdownBudget(config.shutdown.timeout, config.shutdown.drainDelay);
  shutdown.add(
    'worker',
    async () => {
      const outcome = await orders.close(budget);
      logger.info(`worker closed (${outcome})`, { outcome, grace_ms: budget.graceMs });
    },
    { timeoutMs: budget.hookTimeoutMs },
  );

  // 11. The API owns the schema: wait for its migrations (probes answer, startup fails meanwhile).
  if (!(await waitForSchema(database.knex, { logger, signal: shutdown.signal }))) return;

  // 12. Run.
  orders.worker.run().catch((error: unknown) => {
    logger.error('worker stopped unexpectedly; shutting down', { err: error });
    void shutdown.shutdown('worker main loop failed');
  });
  await orders.worker.waitUntilReady();
  health.markStarted();
  logger.info('worker started', {
    admin_port: config.admin.port,
    queue: config.queue.name,
    concurrency: config.worker.concurrency,
    database: database.location,
    shutdown_grace_ms: budget.graceMs,
    lock_duration_ms: config.worker.lockDuration,
  });
});
