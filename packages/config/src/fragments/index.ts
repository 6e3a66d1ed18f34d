// @shipshape/config/fragments: ready-made schema sections with production defaults, and the rules
// between their keys.
export { serverRules, serverSchema, SERVER_SCHEMA_DEFAULTS } from './server.js';
export { adminRules, adminSchema, ADMIN_SCHEMA_DEFAULTS } from './admin.js';
export { logSchema, LOG_SCHEMA_DEFAULTS } from './log.js';
export { databaseRules, databaseSchema, DATABASE_SCHEMA_DEFAULTS } from './database.js';
export { redisSchema, REDIS_SCHEMA_DEFAULTS } from './redis.js';
export { shutdownRules, shutdownSchema, SHUTDOWN_SCHEMA_DEFAULTS } from './shutdown.js';

export type { ServerSchemaOptions } from './server.js';
export type { AdminSchemaOptions } from './admin.js';
export type { LogSchemaOptions } from './log.js';
export type { DatabaseSchemaOptions } from './database.js';
export type { RedisSchemaOptions } from './redis.js';
export type { ShutdownSchemaOptions } from './shutdown.js';
