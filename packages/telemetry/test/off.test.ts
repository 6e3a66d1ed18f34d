import { freePort } from '@shipshape/testkit';
import { describe, expect, it } from 'vitest';
import { childEnv, REGISTER, startNode, waitForJsonLine } from './helpers.js';

const OPEN_TELEMETRY =
  /\/node_modules\/(@opentelemetry|import-in-the-middle|require-in-the-middle)\//;

/** Runs the README's app under --import, serves one request, stops it; returns what it resolved. */
async function modulesResolved(extraEnv: Record<string, string>): Promise<string[]> {
  const port = await freePort();
  const app = startNode(
    ['--import', './test/fixtures/record-loads.mjs', ...REGISTER, 'test/fixtures/hello-app.mjs'],
    childEnv({ PORT: String(port), ...extraEnv }),
  );
  try {
    await expect
      .poll(
        () =>
          fetch(`http://127.0.0.1:${port}/hello/off`).then(
            (res) => res.status,
            () => 0,
          ),
        {
          timeout: 15_000,
        },
      )
      .toBe(200);
  } finally {
    const exit = await app.stop('SIGTERM');
    expect(exit.code, app.stderr()).toBe(0);
  }
  const { resolved } = await waitForJsonLine(app, (line) => 'resolved' in line);
  return resolved as string[];
}

describe('with no exporter configured', () => {
  it('loads no OpenTelemetry module at all (no SDK, no loader hook, no instrumentation)', async () => {
    const resolved = await modulesResolved({
      OTEL_SERVICE_NAME: 'hello',
      OTEL_TRACES_SAMPLER_ARG: '0.5',
    });
    expect(resolved.some((url) => url.includes('/telemetry/dist/register.js'))).toBe(true);
    expect(resolved.some((url) => url.includes('/node_modules/express/'))).toBe(true);
    expect(resolved.filter((url) => OPEN_TELEMETRY.test(url))).toEqual([]);
  });

  it('loads none either when OTEL_SDK_DISABLED=true overrides an endpoint', async () => {
    const resolved = await modulesResolved({
      OTEL_SDK_DISABLED: 'true',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
    });
    expect(resolved.filter((url) => OPEN_TELEMETRY.test(url))).toEqual([]);
  });

  it('(control) loads the SDK and the loader hook once an exporter is configured', async () => {
    const resolved = await modulesResolved({
      OTEL_TRACES_EXPORTER: 'console',
      OTEL_METRICS_EXPORTER: 'none',
      OTEL_LOGS_EXPORTER: 'none',
    });
    expect(resolved.some((url) => url.includes('/@opentelemetry/sdk-node/'))).toBe(true);
    expect(resolved.some((url) => url.includes('/import-in-the-middle/'))).toBe(true);
  });
});
