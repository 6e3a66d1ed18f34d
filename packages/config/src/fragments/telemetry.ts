/** Overrides for `telemetrySchema` defaults. */
export interface TelemetrySchemaOptions {
  readonly otlpEndpoint?: string;
  readonly serviceName?: string;
  readonly samplingRatio?: number;
}

export const TELEMETRY_SCHEMA_DEFAULTS = {
  otlpEndpoint: '',
  serviceName: '',
  samplingRatio: 1,
} as const;

/** OpenTelemetry: `OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_SERVICE_NAME`, `OTEL_TRACES_SAMPLER_ARG`. */
export function telemetrySchema(options: TelemetrySchemaOptions = {}) {
  const d = { ...TELEMETRY_SCHEMA_DEFAULTS, ...options };
  return {
    otlpEndpoint: {
      doc: 'OTLP/HTTP collector endpoint; empty turns trace export off.',
      format: 'url',
      protocols: ['http:', 'https:'],
      default: d.otlpEndpoint,
      env: 'OTEL_EXPORTER_OTLP_ENDPOINT',
    },
    serviceName: {
      doc: 'service.name resource attribute; empty uses the application name.',
      format: 'string',
      default: d.serviceName,
      env: 'OTEL_SERVICE_NAME',
    },
    samplingRatio: {
      doc: 'Share of new traces sampled, 0 to 1 (parent-based).',
      format: 'ratio',
      default: d.samplingRatio,
      env: 'OTEL_TRACES_SAMPLER_ARG',
    },
  } as const;
}
