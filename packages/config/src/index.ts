export { loadConfig, CONFIG_FILE_VARIABLE } from './load-config.js';
export { loadConfigOrExit } from './load-config-or-exit.js';
export { defineSchema } from './define-schema.js';
export { ConfigError, formatConfigProblems, isConfigError } from './config-error.js';
export { ConfigSchemaError } from './schema-error.js';
export { exitOnConfigError, EX_CONFIG } from './exit-on-config-error.js';
export { redactConfig } from './redact-config.js';
export { maskUrlCredentials } from './redact.js';
export { envNameFor } from './env-name.js';
export { parseDuration } from './duration.js';
export { TIMER_MAX_MS } from './bounds.js';
export { parseBytes } from './bytes.js';
export { FORBIDDEN_KEYS } from './forbidden-keys.js';
export { describeSchema, renderConfigTable, CONFIG_TABLE_HEADER } from './describe-schema.js';
export {
  assertReadmeTable,
  diffReadmeTable,
  replaceReadmeTable,
  CONFIG_TABLE_START,
  CONFIG_TABLE_END,
} from './readme-table.js';
export { serverRules, serverSchema, SERVER_SCHEMA_DEFAULTS } from './fragments/server.js';
export { adminRules, adminSchema, ADMIN_SCHEMA_DEFAULTS } from './fragments/admin.js';
export { logSchema, LOG_SCHEMA_DEFAULTS } from './fragments/log.js';
export { databaseRules, databaseSchema, DATABASE_SCHEMA_DEFAULTS } from './fragments/database.js';
export { redisSchema, REDIS_SCHEMA_DEFAULTS } from './fragments/redis.js';
export { shutdownRules, shutdownSchema, SHUTDOWN_SCHEMA_DEFAULTS } from './fragments/shutdown.js';

export type { LoadConfigOptions } from './load-config.js';
export type { ConfigProblem } from './config-error.js';
export type { ConfigRule } from './rules.js';
export type { ExitOnConfigErrorOptions } from './exit-on-config-error.js';
export type { ConfigRow } from './describe-schema.js';
export type {
  Config,
  DeepReadonly,
  EnvLike,
  FormatFunction,
  FormatName,
  FormatSpec,
  Inferred,
  LeafValue,
  LogLevel,
  SchemaLeaf,
  SchemaSection,
} from './schema.js';
export type { ServerSchemaOptions } from './fragments/server.js';
export type { AdminSchemaOptions } from './fragments/admin.js';
export type { LogSchemaOptions } from './fragments/log.js';
export type { DatabaseSchemaOptions } from './fragments/database.js';
export type { RedisSchemaOptions } from './fragments/redis.js';
export type { ShutdownSchemaOptions } from './fragments/shutdown.js';
