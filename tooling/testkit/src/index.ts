export { freePort } from './free-port.js';
export { startRedisServer, REDIS_SERVER_DEFAULTS } from './redis-server.js';
export type { RedisServer, RedisServerOptions } from './redis-server.js';
export { startPostgresCluster, POSTGRES_CLUSTER_DEFAULTS } from './postgres-cluster.js';
export type { PostgresCluster, PostgresClusterOptions, ShutdownMode } from './postgres-cluster.js';
export { createTestDatabase, TEST_DATABASE_DEFAULTS } from './test-database.js';
export type { TestDatabase, TestDatabaseOptions } from './test-database.js';
export { TestkitError } from './testkit-error.js';
export type { TestkitErrorCode } from './testkit-error.js';
