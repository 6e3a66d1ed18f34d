export { freePort } from './free-port.js';
export { startRedisServer, REDIS_SERVER_DEFAULTS } from './redis-server.js';
export type { RedisServer, RedisServerOptions } from './redis-server.js';
export { startPostgresCluster, POSTGRES_CLUSTER_DEFAULTS } from './postgres-cluster.js';
export type { PostgresCluster, PostgresClusterOptions, ShutdownMode } from './postgres-cluster.js';
export { findPostgresBinDir, POSTGRES_LOOKUP_DEFAULTS } from './postgres-binaries.js';
export type {
  PostgresBinDir,
  PostgresBinDirSource,
  PostgresLookupOptions,
} from './postgres-binaries.js';
export { createTestDatabase, TEST_DATABASE_DEFAULTS } from './test-database.js';
export type { TestDatabase, TestDatabaseOptions } from './test-database.js';
export { createNetworkNamespace, NETWORK_NAMESPACE_DEFAULTS } from './network-namespace.js';
export type {
  CommandResult,
  NamespaceResponse,
  NetworkNamespace,
  NetworkNamespaceOptions,
} from './network-namespace.js';
export { spawnNode, NODE_PROCESS_DEFAULTS } from './node-process.js';
export type { NodeProcess, NodeProcessOptions, ProcessExit } from './node-process.js';
export { TestkitError } from './testkit-error.js';
export type { TestkitErrorCode } from './testkit-error.js';
export { OtlpReceiver, attributeMap } from './otlp-receiver.js';
export type {
  OtlpRequest,
  OtlpSpan,
  OtlpLogRecord,
  OtlpMetric,
  OtlpNumberPoint,
  OtlpHistogramPoint,
  KeyValue,
} from './otlp-receiver.js';
export { reportThroughExit } from './exit-report.js';
export type { ExitIo, ExitReport } from './exit-report.js';
