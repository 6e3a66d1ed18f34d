/** What the telemetry preload decides from the environment (same names as the config schema). */
export interface TelemetrySettings {
  readonly exporter: 'otlp' | 'console' | 'none';
  readonly serviceName: string;
  readonly samplingRatio: number;
}

export const TELEMETRY_DEFAULTS = {
  serviceName: 'example-worker',
  samplingRatio: 1,
} as const;

/**
 * Tracing is off unless `OTEL_EXPORTER_OTLP_ENDPOINT` is set (export over OTLP/HTTP) or
 * `OTEL_TRACES_EXPORTER=console` (spans printed to stdout, for local debugging).
 * `OTEL_TRACES_EXPORTER=none` wins over an endpoint.
 */
export function telemetrySettings(env: NodeJS.ProcessEnv): TelemetrySettings {
  const tracesExporter = (env.OTEL_TRACES_EXPORTER ?? '').trim().toLowerCase();
  const endpoint = (env.OTEL_EXPORTER_OTLP_ENDPOINT ?? '').trim();
  const exporter =
    tracesExporter === 'none'
      ? 'none'
      : tracesExporter === 'console'
        ? 'console'
        : endpoint !== ''
          ? 'otlp'
          : 'none';
  const ratio = Number(env.OTEL_TRACES_SAMPLER_ARG ?? TELEMETRY_DEFAULTS.samplingRatio);
  return {
    exporter,
    serviceName: env.OTEL_SERVICE_NAME?.trim() || TELEMETRY_DEFAULTS.serviceName,
    samplingRatio: Number.isFinite(ratio) && ratio >= 0 && ratio <= 1 ? ratio : 1,
  };
}
