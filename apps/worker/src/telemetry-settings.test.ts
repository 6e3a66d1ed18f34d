import { describe, expect, it } from 'vitest';
import { TELEMETRY_DEFAULTS, telemetrySettings } from './telemetry-settings.js';

describe('telemetrySettings', () => {
  it('is off by default', () => {
    expect(telemetrySettings({})).toEqual({ exporter: 'none', ...TELEMETRY_DEFAULTS });
  });
  it('exports over OTLP when an endpoint is set, console when asked, and none wins', () => {
    expect(
      telemetrySettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).exporter,
    ).toBe('otlp');
    expect(telemetrySettings({ OTEL_TRACES_EXPORTER: 'console' }).exporter).toBe('console');
    expect(
      telemetrySettings({
        OTEL_TRACES_EXPORTER: 'none',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318',
      }).exporter,
    ).toBe('none');
  });
  it('takes the service name and a valid sampling ratio from the environment', () => {
    expect(
      telemetrySettings({ OTEL_SERVICE_NAME: 'orders-worker', OTEL_TRACES_SAMPLER_ARG: '0.25' }),
    ).toMatchObject({
      serviceName: 'orders-worker',
      samplingRatio: 0.25,
    });
    expect(telemetrySettings({ OTEL_TRACES_SAMPLER_ARG: '7' }).samplingRatio).toBe(1);
  });
});
