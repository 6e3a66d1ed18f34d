import { Registry } from 'prom-client';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { isTelemetryError } from './errors.js';
import { startTelemetry } from './start.js';

describe('startTelemetry with no exporter configured', () => {
  beforeAll(() => {
    for (const name of Object.keys(process.env))
      if (name.startsWith('OTEL_')) vi.stubEnv(name, undefined);
  });

  it('returns a disabled telemetry whose shutdown is idempotent and resolves', async () => {
    const telemetry = await startTelemetry();
    expect(telemetry.enabled).toBe(false);
    await expect(telemetry.shutdown()).resolves.toBeUndefined();
    await expect(telemetry.shutdown()).resolves.toBeUndefined();
    expect(telemetry.logTransport()).toBeUndefined();
  });

  it('keeps one telemetry per process', async () => {
    expect(await startTelemetry()).toBe(await startTelemetry({ untracedPaths: ['/ping'] }));
  });

  it('accepts a prom-client registry and returns a stop function', async () => {
    const telemetry = await startTelemetry();
    const stop = telemetry.exportMetrics(new Registry());
    expect(stop()).toBeUndefined();
  });

  it('rejects what is not a registry with a message that says what to pass', async () => {
    const telemetry = await startTelemetry();
    const error = (() => {
      try {
        telemetry.exportMetrics({} as unknown as Registry);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(isTelemetryError(error) && error.code).toBe('TELEMETRY_INVALID_OPTIONS');
    expect((error as Error).message).toMatch(/getMetricsAsJSON/);
  });

  it('rejects malformed options before deciding anything', async () => {
    await expect(startTelemetry({ untracedPaths: ['livez'] })).rejects.toThrow(
      /untracedPaths must be an array of paths starting with "\/"/,
    );
    await expect(startTelemetry({ instrumentations: 'http' as unknown as [] })).rejects.toThrow(
      /instrumentations must be an array/,
    );
  });
});
