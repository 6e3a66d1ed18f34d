import type {
  OpenTelemetryTransportV3,
  OpenTelemetryTransportV3Options,
} from '@opentelemetry/winston-transport';
import { TelemetryError } from './errors.js';

/** One metric family as prom-client's `registry.getMetricsAsJSON()` returns it. */
export interface PrometheusMetricLike {
  readonly name: string;
  readonly help: string;
  /** `'counter' | 'gauge' | 'histogram' | 'summary'` at run time (prom-client's typings say an enum). */
  readonly type: unknown;
  readonly values: readonly {
    readonly value: number;
    readonly labels: Readonly<Record<string, string | number | undefined>>;
    /** `name_bucket` / `name_sum` / `name_count` for histogram and summary samples. */
    readonly metricName?: string | undefined;
  }[];
}

/** A prom-client `Registry`, or anything that answers `getMetricsAsJSON()` the same way. */
export interface MetricsRegistryLike {
  getMetricsAsJSON(): Promise<readonly PrometheusMetricLike[]>;
}

export interface ExportMetricsOptions {
  /**
   * Remove the `_total` suffix of counters and the unit suffix (`_seconds`, `_bytes`…) from the
   * names sent over OTLP. Off by default: the compatibility specification keeps Prometheus names
   * unaltered unless asked, so dashboards fed by OTLP and by `/metrics` see the same names.
   */
  readonly stripSuffixes?: boolean | undefined;
}

export type LogTransportOptions = OpenTelemetryTransportV3Options;

/** The running telemetry of this process (or its stand-in when nothing is configured). */
export interface Telemetry {
  /** True when an exporter is configured and the OpenTelemetry SDK runs. */
  readonly enabled: boolean;
  /**
   * Flushes spans, log records and metrics, then stops the SDK. Idempotent: every call returns
   * the same promise. Register it as a final shutdown hook.
   */
  shutdown(): Promise<void>;
  /**
   * Pushes every series of a prom-client registry over OTLP with the metric export, so `/metrics`
   * and OTLP carry the same numbers from one source. Once a registry is exported, the built-in
   * instrumentations record no metrics of their own (nothing is counted twice). Returns a function
   * that stops exporting it. A no-op when metrics export is off.
   */
  exportMetrics(registry: MetricsRegistryLike, options?: ExportMetricsOptions): () => void;
  /**
   * A winston transport that emits each log line as an OpenTelemetry log record carrying its trace
   * context, batched by the SDK and flushed by `shutdown()`. Undefined when log export is off.
   */
  logTransport(options?: LogTransportOptions): OpenTelemetryTransportV3 | undefined;
}

export function assertRegistry(registry: unknown): asserts registry is MetricsRegistryLike {
  if (
    typeof registry !== 'object' ||
    registry === null ||
    typeof (registry as { getMetricsAsJSON?: unknown }).getMetricsAsJSON !== 'function'
  ) {
    throw new TelemetryError(
      'TELEMETRY_INVALID_OPTIONS',
      'exportMetrics: expected a prom-client Registry (an object with getMetricsAsJSON()), e.g. metrics.registry from @shipshape/metrics.',
    );
  }
}

/** The stand-in when nothing is configured: no SDK, no module loaded, nothing to flush. */
export function disabledTelemetry(): Telemetry {
  return {
    enabled: false,
    shutdown: () => Promise.resolve(),
    exportMetrics(registry) {
      assertRegistry(registry);
      return () => undefined;
    },
    logTransport: () => undefined,
  };
}
