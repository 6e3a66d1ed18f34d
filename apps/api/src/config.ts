import {
  adminSchema,
  databaseSchema,
  logSchema,
  redisSchema,
  serverSchema,
  shutdownSchema,
  telemetrySchema,
  type Config,
} from '@shipshape/config';

/**
 * Every setting of the API, composed from the config package's fragments plus the app's own.
 * The README's configuration table is generated from this object (and a test keeps them equal).
 */
function positiveInteger(value: unknown): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new Error('must be a whole number of at least 1');
  }
}

export const schema = {
  server: serverSchema({ port: 3000 }),
  admin: adminSchema({ port: 9464 }),
  log: logSchema(),
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
      format: positiveInteger,
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
      doc: 'Longest wait for Redis to accept a job before the request answers 503, in ms.',
      format: 'duration',
      default: '2s',
      env: 'QUEUE_ENQUEUE_TIMEOUT',
    },
  },
  shutdown: shutdownSchema(),
  telemetry: {
    ...telemetrySchema(),
    tracesExporter: {
      doc: 'Trace exporter: otlp (exports only when OTEL_EXPORTER_OTLP_ENDPOINT is set), console (spans on stdout, for debugging) or none.',
      format: ['otlp', 'console', 'none'],
      default: 'otlp',
      env: 'OTEL_TRACES_EXPORTER',
    },
  },
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
