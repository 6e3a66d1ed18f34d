import type { EnvLike, LogLevel } from '../schema.js';

/** Overrides for `logSchema` defaults. Setting `format` turns off the NODE_ENV=development rule. */
export interface LogSchemaOptions {
  readonly level?: LogLevel;
  readonly format?: 'json' | 'pretty';
}

export const LOG_SCHEMA_DEFAULTS = { level: 'info', format: 'json' } as const;

/** Logging: `LOG_LEVEL` (error|warn|info|debug), `LOG_FORMAT` (json|pretty; pretty by default only when NODE_ENV=development). */
export function logSchema(options: LogSchemaOptions = {}) {
  const level: LogLevel = options.level ?? LOG_SCHEMA_DEFAULTS.level;
  const format: 'json' | 'pretty' = options.format ?? LOG_SCHEMA_DEFAULTS.format;
  const developmentPretty = (env: EnvLike): 'pretty' | undefined =>
    options.format === undefined && env['NODE_ENV'] === 'development' ? 'pretty' : undefined;
  return {
    level: { doc: 'Lowest level written.', format: 'log-level', default: level, env: 'LOG_LEVEL' },
    format: {
      doc: 'Line format: one JSON object per line, or pretty (default when NODE_ENV=development).',
      format: ['json', 'pretty'],
      default: format,
      env: 'LOG_FORMAT',
      defaultFromEnv: developmentPretty,
    },
  } as const;
}
