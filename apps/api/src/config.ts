import type { Config, ConfigRule } from '@shipshape/config';
import {
  adminRules,
  adminSchema,
  databaseRules,
  databaseSchema,
  logSchema,
  redisSchema,
  serverRules,
  serverSchema,
  shutdownRules,
  shutdownSchema,
} from '@shipshape/config/fragments';

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

/**
 * Every setting of the API, composed from the config package's fragments plus the app's own.
 * The README's configuration table is generated from this object (and a test keeps them equal).
 */
export const schema = {
  server: serverSchema({ port: 3000 }),
  admin: adminSchema({ port: 9464 }),
  log: { ...logSchema(), ...logLevelChangeSchema() },
  database: {
    ...databaseSchema(),
    migrateOnStart: {
      doc: 'Run pending migrations at start-up: auto = only for the embedded SQLite file (PostgreSQL migrates from a Job running dist/migrate.js).',
      format: ['auto', 'always', 'never'],
      default: 'auto',
      env: 'DATABASE_MIGRATE_ON_START',
    },
  },
  redis: redisSchema(),
  queue: {
    prefix: {
      doc: 'BullMQ key prefix; the worker must use the same one.',
      format: 'string',
      default: 'bull',
      env: 'QUEUE_PREFIX',
    },
    jobAttempts: {
      doc: 'Attempts per order.confirm job before it is marked failed.',
      format: 'nat',
      min: 1,
      default: 5,
      env: 'QUEUE_JOB_ATTEMPTS',
    },
    jobBackoff: {
      doc: 'First retry delay of a failed job, doubled per attempt (exponential), in ms.',
      format: 'duration',
      default: '1s',
      env: 'QUEUE_JOB_BACKOFF',
    },
    completedRetention: {
      doc: 'How long a completed job stays in Redis, in ms.',
      format: 'duration',
      max: '365d',
      default: '24h',
      env: 'QUEUE_COMPLETED_RETENTION',
    },
    completedKeep: {
      doc: 'Most completed jobs kept in Redis.',
      format: 'nat',
      default: 1000,
      env: 'QUEUE_COMPLETED_KEEP',
    },
    failedRetention: {
      doc: 'How long a failed job stays in Redis for inspection, in ms.',
      format: 'duration',
      max: '365d',
      default: '7d',
      env: 'QUEUE_FAILED_RETENTION',
    },
    failedKeep: {
      doc: 'Most failed jobs kept in Redis.',
      format: 'nat',
      default: 5000,
      env: 'QUEUE_FAILED_KEEP',
    },
    enqueueTimeout: {
      doc: 'Longest wait for Redis to accept a job (the request then answers 201 and leaves the job to the outbox relay), in ms.',
      format: 'duration',
      min: '1ms',
      default: '2s',
      env: 'QUEUE_ENQUEUE_TIMEOUT',
    },
  },
  outbox: {
    pollInterval: {
      doc: 'How often the outbox relay looks for order jobs to publish or check, in ms.',
      format: 'duration',
      min: '1ms',
      default: '1s',
      env: 'OUTBOX_POLL_INTERVAL',
    },
    publishLease: {
      doc: 'How long the request (or relay) publishing an order job holds it before another relay may take over, in ms. Longer than QUEUE_ENQUEUE_TIMEOUT.',
      format: 'duration',
      min: '1ms',
      default: '10s',
      env: 'OUTBOX_PUBLISH_LEASE',
    },
    recheckInterval: {
      doc: 'How long after publishing an order job the relay checks that order again (re-adds a lost job, retries a failed one), in ms.',
      format: 'duration',
      min: '1ms',
      default: '30s',
      env: 'OUTBOX_RECHECK_INTERVAL',
    },
    batchSize: {
      doc: 'Most outbox records one relay pass claims.',
      format: 'nat',
      min: 1,
      default: 100,
      env: 'OUTBOX_BATCH_SIZE',
    },
  },
  shutdown: shutdownSchema(),
  build: {
    commit: {
      doc: 'Git commit the image was built from, shown in /admin/info and build_info.',
      format: 'string',
      default: 'unknown',
      env: 'GIT_COMMIT',
    },
  },
} as const;

export type AppConfig = Config<typeof schema>;

/** Rules between keys, checked with the schema: a broken one is reported in the same message, exit 78. */
export const rules: readonly ConfigRule<AppConfig>[] = [
  ...serverRules(),
  ...adminRules(),
  ...databaseRules(),
  ...shutdownRules(),
  {
    keys: ['log.levelChangeExpiry', 'log.levelChangeMaxExpiry'],
    rule: 'log.levelChangeExpiry must not exceed log.levelChangeMaxExpiry',
    check: (c) => c.log.levelChangeExpiry <= c.log.levelChangeMaxExpiry,
  },
  {
    keys: ['admin.port', 'server.port'],
    rule: 'admin.port must differ from server.port (the admin surface never shares the public port)',
    check: (c) => c.admin.port !== c.server.port || c.admin.port === 0,
  },
  {
    keys: ['outbox.publishLease', 'queue.enqueueTimeout'],
    rule: 'outbox.publishLease must be longer than queue.enqueueTimeout, or a relay takes over a job the request is still publishing',
    check: (c) => c.outbox.publishLease > c.queue.enqueueTimeout,
  },
];
