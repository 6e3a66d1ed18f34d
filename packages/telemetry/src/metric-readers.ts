import { diag } from '@opentelemetry/api';
import { core, metrics } from '@opentelemetry/sdk-node';

/**
 * The metric readers NodeSDK would build from OTEL_METRICS_EXPORTER, with one difference: each
 * also reads `producer` (the prom-client bridge). NodeSDK offers no way to add a MetricProducer to
 * the readers it builds itself, so this mirrors its rules with the SDK's own env readers:
 * `otlp` (the default) and `console` are built, `none` builds nothing. The OTLP exporter reads its
 * endpoint, headers, timeout and temporality from the environment itself.
 */
export async function metricReadersFromEnv(
  producer: metrics.MetricProducer,
): Promise<metrics.IMetricReader[]> {
  const names = [...new Set(core.getStringListFromEnv('OTEL_METRICS_EXPORTER') ?? [])];
  if (names.length === 0) names.push('otlp');
  if (names.includes('none')) return [];
  const readers: metrics.IMetricReader[] = [];
  for (const name of names) {
    if (name === 'otlp') readers.push(periodicReader(await otlpMetricExporter(), producer));
    else if (name === 'console')
      readers.push(periodicReader(new metrics.ConsoleMetricExporter(), producer));
    else
      diag.warn(
        `@shipshape/telemetry: OTEL_METRICS_EXPORTER=${name} is not supported (use otlp, console or none); no metric reader for it.`,
      );
  }
  return readers;
}

function periodicReader(
  exporter: metrics.PushMetricExporter,
  producer: metrics.MetricProducer,
): metrics.PeriodicExportingMetricReader {
  const interval = core.getNumberFromEnv('OTEL_METRIC_EXPORT_INTERVAL');
  const timeout = core.getNumberFromEnv('OTEL_METRIC_EXPORT_TIMEOUT');
  return new metrics.PeriodicExportingMetricReader({
    exporter,
    metricProducers: [producer],
    ...(interval !== undefined && interval > 0 ? { exportIntervalMillis: interval } : {}),
    // The reader clamps a default timeout to the interval, but throws on an explicit one above it.
    ...(timeout !== undefined && timeout > 0 && (interval === undefined || timeout <= interval)
      ? { exportTimeoutMillis: timeout }
      : {}),
  });
}

async function otlpMetricExporter(): Promise<metrics.PushMetricExporter> {
  const protocol =
    (
      core.getStringFromEnv('OTEL_EXPORTER_OTLP_METRICS_PROTOCOL') ??
      core.getStringFromEnv('OTEL_EXPORTER_OTLP_PROTOCOL')
    )?.trim() || 'http/protobuf';
  switch (protocol) {
    case 'grpc':
      return new (await import('@opentelemetry/exporter-metrics-otlp-grpc')).OTLPMetricExporter();
    case 'http/json':
      return new (await import('@opentelemetry/exporter-metrics-otlp-http')).OTLPMetricExporter();
    default:
      if (protocol !== 'http/protobuf')
        diag.warn(
          `@shipshape/telemetry: OTLP metrics protocol "${protocol}" is not supported (grpc, http/json, http/protobuf); using http/protobuf.`,
        );
      return new (await import('@opentelemetry/exporter-metrics-otlp-proto')).OTLPMetricExporter();
  }
}
