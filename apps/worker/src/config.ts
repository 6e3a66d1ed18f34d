import type { Config, ConfigRule } from '@shipshape/config';
import {
  adminRules,
  adminSchema,
  databaseRules,
  databaseSchema,
  logSchema,
  redisSchema,
  shutdownRules,
  shutdownSchema,
} from '@shipshape/config/fragments';
import { ORDER_QUEUE } from './order-job.js';

/** Nothing routes traffic to a worker, so no drain delay by default (not even under Kubernetes). */
function workerShutdownSchema() {
  const fragment = shutdownSchema({ drainDelay: '0s' });
  return {
    ...fragment,
    drainDelay: {
      ...fragment.drainDelay,
      doc: 'Wait after readiness fails before the worker stops fetching, in ms; 0 because no load balancer routes to a worker.',
    },
  } as const;
}

/**
 * Bounds of runtime log-level changes (PUT /admin/log-level). The API and the worker declare the
 * same keys: each app's config test pins them to the logger's defaults.
 */
function logLevelChangeSchema() {
  return {
    maxModuleLevels: {
      doc: 'Most child-logger modules that may have their own level at once (PUT /admin/log-level with a module); further modules are refused with 409. At most 100, so GET /admin/log-level stays under 16 KB.',
      format: 'nat',
      min: 1,
      max: 100,
      default: 32,
      env: 'LOG_MAX_MODULE_LEVELS',
    },
    levelChangeExpiry: {
      doc: 'How long a PUT /admin/log-level change lasts when it names no expiresInMs; then the level reverts by itself, in ms.',
      format: 'duration',
      min: '1ms',
      default: '15m',
      env: 'LOG_LEVEL_CHANGE_EXPIRY',
    },
    levelChangeMaxExpiry: {
      doc: 'Longest expiresInMs a PUT /admin/log-level may ask for, in ms.',
      format: 'duration',
      min: '1ms',
      default: '24h',
      env: 'LOG_LEVEL_CHANGE_MAX_EXPIRY',
    },
  } as const;
}

/** Everything the worker reads from its environment. The README's table is generated from it. */
export const workerSchema = {
  admin: adminSchema({ port: 9465 }),
  log: { ...logSchema(), ...logLevelChangeSchema() },
  database: databaseSchema(),
  redis: redisSchema(),
  queue: {
    name: {
      doc: 'BullMQ queue the API enqueues order.confirm jobs on.',
      format: 'string',
      default: ORDER_QUEUE,
      env: 'QUEUE_NAME',
    },
    prefix: {
      doc: 'BullMQ key prefix; must equal the API’s.',
      format: 'string',
      default: 'bull',
      env: 'QUEUE_PREFIX',
    },
  },
  worker: {
    concurrency: {
      doc: 'Jobs this process works on at the same time.',
      format: 'nat',
      min: 1,
      default: 5,
      env: 'WORKER_CONCURRENCY',
    },
    providerLatency: {
      doc: 'Simulated latency of the payment/e-mail provider call.',
      format: 'duration',
      default: '200ms',
      env: 'WORKER_PROVIDER_LATENCY',
    },
    lockDuration: {
      doc: 'Job lock lifetime without renewal: a job abandoned by a killed or force-closed worker is handed to another worker after it. Keep it near SHUTDOWN_TIMEOUT.',
      format: 'duration',
      min: '1ms',
      default: '30s',
      env: 'WORKER_LOCK_DURATION',
    },
    stalledInterval: {
      doc: 'How often each worker looks for jobs whose lock expired and moves them back to waiting.',
      format: 'duration',
      min: '1ms',
      default: '30s',
      env: 'WORKER_STALLED_INTERVAL',
    },
    maxStalledCount: {
      doc: 'How many times a job may be recovered from a dead worker before it is failed.',
      format: 'nat',
      default: 2,
      env: 'WORKER_MAX_STALLED_COUNT',
    },
    keepCompletedAge: {
      doc: 'Completed jobs are kept in Redis for this long (unless the job says otherwise).',
      format: 'duration',
      max: '365d',
      default: '1d',
      env: 'WORKER_KEEP_COMPLETED_AGE',
    },
    keepCompletedCount: {
      doc: 'At most this many completed jobs are kept.',
      format: 'nat',
      default: 1000,
      env: 'WORKER_KEEP_COMPLETED_COUNT',
    },
    keepFailedAge: {
      doc: 'Failed jobs are kept in Redis for this long, for inspection and retry.',
      format: 'duration',
      max: '365d',
      default: '7d',
      env: 'WORKER_KEEP_FAILED_AGE',
    },
    keepFailedCount: {
      doc: 'At most this many failed jobs are kept.',
      format: 'nat',
      default: 5000,
      env: 'WORKER_KEEP_FAILED_COUNT',
    },
  },
  shutdown: workerShutdownSchema(),
  build: {
    commit: {
      doc: 'Git commit the image was built from, shown in /admin/info and build_info.',
      format: 'string',
      default: 'unknown',
      env: 'GIT_COMMIT',
    },
  },
} as const;

export type WorkerSchema = typeof workerSchema;

/** Rules between keys, checked with the schema: a broken one is reported in the same message, exit 78. */
export const workerRules: readonly ConfigRule<Config<WorkerSchema>>[] = [
  ...adminRules(),
  ...databaseRules(),
  ...shutdownRules(),
  {
    keys: ['log.levelChangeExpiry', 'log.levelChangeMaxExpiry'],
    rule: 'log.levelChangeExpiry must not exceed log.levelChangeMaxExpiry',
    check: (c) => c.log.levelChangeExpiry <= c.log.levelChangeMaxExpiry,
  },
];
