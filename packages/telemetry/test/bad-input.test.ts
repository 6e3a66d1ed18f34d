import { freePort, TEST_DATABASE_DEFAULTS, attributeMap, OtlpReceiver } from '@shipshape/testkit';
import { describe, expect, it } from 'vitest';
import { childEnv, REGISTER, startNode, waitForJsonLine } from './helpers.js';

describe('an unreachable OTLP endpoint', () => {
  it('never breaks the app, is reported while it runs, and fails the final flush with a message naming the endpoint', async () => {
    const endpoint = `http://127.0.0.1:${await freePort()}`;
    const app = startNode(
      [...REGISTER, 'test/fixtures/orders-app.mjs'],
      childEnv({
        OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
        OTEL_EXPORTER_OTLP_TIMEOUT: '1000',
        // Log records are exported after 1 s (and fail); spans stay batched until the final flush.
        OTEL_BSP_SCHEDULE_DELAY: '600000',
        DATABASE_URL: process.env['TEST_DATABASE_URL'] ?? TEST_DATABASE_DEFAULTS.adminUrl,
      }),
    );
    try {
      const { listening } = await waitForJsonLine(app, (line) => 'listening' in line);
      const res = await fetch(`http://127.0.0.1:${String(listening)}/orders`, { method: 'POST' });
      expect(res.status).toBe(201);
      await expect
        .poll(() => app.stderr(), { timeout: 15_000 })
        .toContain(
          `@shipshape/telemetry: export failed (connect ECONNREFUSED ${endpoint.slice(7)}); check that the OpenTelemetry collector at ${endpoint} (OTEL_EXPORTER_OTLP_ENDPOINT) is reachable.`,
        );
    } finally {
      await app.stop('SIGTERM');
    }
    expect((await app.exited).code).toBe(1);
    const { shutdown_error: message, code } = await waitForJsonLine(
      app,
      (line) => 'shutdown_error' in line,
    );
    expect(code).toBe('TELEMETRY_FLUSH_FAILED');
    expect(message).toContain(`the OpenTelemetry collector at ${endpoint}`);
    expect(message).toContain('ECONNREFUSED');
  }, 60_000);
});

describe('malformed settings', () => {
  it('are reported by name on stderr, and telemetry carries on with the defaults', async () => {
    const receiver = await OtlpReceiver.start();
    const port = await freePort();
    const app = startNode(
      [...REGISTER, 'test/fixtures/hello-app.mjs'],
      childEnv({
        PORT: String(port),
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '1.5',
        OTEL_METRICS_EXPORTER: 'prometheus',
        OTEL_LOGS_EXPORTER: 'none',
      }),
    );
    try {
      await expect
        .poll(
          () =>
            fetch(`http://127.0.0.1:${port}/hello/world`).then(
              (r) => r.status,
              () => 0,
            ),
          {
            timeout: 15_000,
          },
        )
        .toBe(200);
    } finally {
      await app.stop('SIGTERM');
    }
    try {
      expect((await app.exited).code).toBe(0);
      expect(app.stderr()).toContain(
        'OTEL_TRACES_SAMPLER_ARG=1.5 was given, but it is out of range ([0..1]), defaulting to 1.',
      );
      expect(app.stderr()).toContain(
        'OTEL_METRICS_EXPORTER=prometheus is not supported (use otlp, console or none)',
      );
      // Sampled at the default ratio, and flushed when the process ran out of work.
      const server = receiver.spans().find((span) => span.name === 'GET /hello/:name');
      expect(attributeMap(server?.attributes)).toMatchObject({ 'url.path': '/hello/world' });
    } finally {
      await receiver.close();
    }
  }, 60_000);
});
