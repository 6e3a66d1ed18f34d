export { startTelemetry } from './start.js';
export type {
  ExportMetricsOptions,
  LogTransportOptions,
  MetricsRegistryLike,
  PrometheusMetricLike,
  Telemetry,
} from './telemetry.js';
export { TELEMETRY_DEFAULTS } from './options.js';
export type { InstrumentationLike, TelemetryOptions } from './options.js';
export { TelemetryError, isTelemetryError } from './errors.js';
export type { TelemetryErrorCode } from './errors.js';
