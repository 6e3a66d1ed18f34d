import { describe, expect, it } from 'vitest';
import { chooseExporter, telemetry } from './telemetry.js';

describe('telemetry', () => {
  it('is off unless an OTLP endpoint is set or the console exporter is asked for', () => {
    expect(chooseExporter({})).toBe('off');
    expect(chooseExporter({ OTEL_EXPORTER_OTLP_ENDPOINT: ' ' })).toBe('off');
    expect(chooseExporter({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe('otlp');
    expect(chooseExporter({ OTEL_TRACES_EXPORTER: 'console' })).toBe('console');
    expect(
      chooseExporter({
        OTEL_TRACES_EXPORTER: 'none',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      }),
    ).toBe('off');
  });

  it('starts (or not) from the environment it was loaded in, and shuts down cleanly', async () => {
    expect(telemetry.exporter).toBe(chooseExporter(process.env));
    await expect(telemetry.shutdown()).resolves.toBeUndefined();
  });
});
