/**
 * The one decision this package takes from the environment: is any OpenTelemetry exporter
 * configured at all? Everything else (which exporters, protocols, sampler, service name…) is read
 * by the SDK itself once it is loaded. Configured means: the SDK is not disabled, and an OTLP
 * endpoint is set or some signal names an exporter other than `none`.
 */
const ENDPOINTS = [
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT',
  'OTEL_EXPORTER_OTLP_LOGS_ENDPOINT',
] as const;

const EXPORTERS = ['OTEL_TRACES_EXPORTER', 'OTEL_METRICS_EXPORTER', 'OTEL_LOGS_EXPORTER'] as const;

export function exporterConfigured(env: Readonly<Record<string, string | undefined>>): boolean {
  if ((env['OTEL_SDK_DISABLED'] ?? '').trim().toLowerCase() === 'true') return false;
  if (ENDPOINTS.some((name) => (env[name] ?? '').trim() !== '')) return true;
  return EXPORTERS.some((name) =>
    (env[name] ?? '')
      .split(',')
      .map((value) => value.trim())
      .some((value) => value !== '' && value !== 'none'),
  );
}
