import { valueAt, type ConfigRule } from '../rules.js';

/** Overrides for `databaseSchema` defaults. */
export interface DatabaseSchemaOptions {
  readonly url?: string;
  readonly file?: string;
  readonly poolMin?: number;
  readonly poolMax?: number;
  readonly acquireTimeout?: string | number;
}

export const DATABASE_SCHEMA_DEFAULTS = {
  url: '',
  file: '.data/shipshape.sqlite',
  poolMin: 0,
  poolMax: 10,
  acquireTimeout: '10s',
} as const;

/** The database: `DATABASE_URL` (sensitive; empty = embedded SQLite at `DATABASE_FILE`), pool size, acquire timeout. */
export function databaseSchema(options: DatabaseSchemaOptions = {}) {
  const d = { ...DATABASE_SCHEMA_DEFAULTS, ...options };
  return {
    url: {
      doc: 'PostgreSQL connection URL; empty uses the embedded SQLite file.',
      format: 'url',
      protocols: ['postgres:', 'postgresql:'],
      default: d.url,
      env: 'DATABASE_URL',
      sensitive: true,
    },
    file: {
      doc: 'SQLite file used when DATABASE_URL is empty (relative to the working directory).',
      format: 'string',
      default: d.file,
      env: 'DATABASE_FILE',
    },
    poolMin: {
      doc: 'Connections kept open when idle.',
      format: 'nat',
      default: d.poolMin,
      env: 'DATABASE_POOL_MIN',
    },
    poolMax: {
      doc: 'Most connections open at once.',
      format: 'nat',
      min: 1,
      default: d.poolMax,
      env: 'DATABASE_POOL_MAX',
    },
    acquireTimeout: {
      doc: 'Longest wait for a free pool connection before the query fails, in ms.',
      format: 'duration',
      min: '1ms',
      default: d.acquireTimeout,
      env: 'DATABASE_ACQUIRE_TIMEOUT',
    },
  } as const;
}

/** Rules of a `databaseSchema()` section mounted at `section`. */
export function databaseRules(section = 'database'): ConfigRule<object>[] {
  const min = `${section}.poolMin`;
  const max = `${section}.poolMax`;
  return [
    {
      keys: [min, max],
      rule: `${min} must be at most ${max}`,
      check: (config) => Number(valueAt(config, min)) <= Number(valueAt(config, max)),
    },
  ];
}
