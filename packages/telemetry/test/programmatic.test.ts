import { describe, expect, it } from 'vitest';
import { childEnv, startNode, waitForJsonLine } from './helpers.js';

describe('startTelemetry() in a file of your own given to --import', () => {
  it('starts the SDK, and patches what an instrumentation created before it hooks in an ES module app', async () => {
    const app = startNode(
      ['--import', './test/fixtures/instrument.mjs', 'test/fixtures/marked-app.mjs'],
      childEnv({
        OTEL_TRACES_EXPORTER: 'console',
        OTEL_METRICS_EXPORTER: 'none',
        OTEL_LOGS_EXPORTER: 'none',
      }),
    );
    const line = await waitForJsonLine(app, (l) => 'markedBy' in l);
    expect((await app.exited).code, app.stderr()).toBe(0);
    expect(line).toEqual({ enabled: true, markedBy: 'winston-marker' });
  });
});
