import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createMetrics } from './create-metrics.js';

function line(text: string, prefix: string): string | undefined {
  return text.split('\n').find((candidate) => candidate.startsWith(prefix));
}

describe('health bridge', () => {
  it('maps pass/warn/fail to 1/0.5/0 and durations to seconds; teardown detaches', async () => {
    const metrics = createMetrics({ service: 'svc', defaultMetrics: false });
    const health = new EventEmitter();
    const teardown = metrics.observeHealth(health);
    health.emit('check', { probe: 'readiness', name: 'db', status: 'pass', durationMs: 250 });
    health.emit('check', { probe: 'readiness', name: 'redis', status: 'warn', durationMs: 5 });
    health.emit('check', { probe: 'liveness', name: 'heap', status: 'fail', durationMs: 1 });
    let text = await metrics.scrape();
    expect(line(text, 'health_check_status{probe="readiness",check="db"')).toMatch(/ 1$/);
    expect(line(text, 'health_check_status{probe="readiness",check="redis"')).toMatch(/ 0\.5$/);
    expect(line(text, 'health_check_status{probe="liveness",check="heap"')).toMatch(/ 0$/);
    expect(line(text, 'health_check_duration_seconds{probe="readiness",check="db"')).toMatch(
      / 0\.25$/,
    );
    teardown();
    health.emit('check', { probe: 'readiness', name: 'db', status: 'fail', durationMs: 1 });
    text = await metrics.scrape();
    expect(line(text, 'health_check_status{probe="readiness",check="db"')).toMatch(/ 1$/);
    expect(health.listenerCount('check')).toBe(0);
  });
});

describe('shutdown bridge', () => {
  it('records phase and hook durations with outcomes, ignoring events without a duration', async () => {
    const metrics = createMetrics({ service: 'svc', defaultMetrics: false });
    const shutdown = new EventEmitter();
    metrics.observeShutdown(shutdown);
    shutdown.emit('phase', { phase: 'draining' });
    shutdown.emit('phase', { phase: 'draining', durationMs: 5000 });
    shutdown.emit('phase', 'hooks', 120);
    shutdown.emit('hook', { name: 'db', durationMs: 30 });
    shutdown.emit('hook', { name: 'redis', durationMs: 2000, timedOut: true });
    shutdown.emit('hook', { hook: 'queue', durationMs: 10, error: new Error('x') });
    shutdown.emit('hook', { name: 'http', durationMs: 40, outcome: 'ok' });
    const text = await metrics.scrape();
    expect(line(text, 'shutdown_phase_duration_seconds{phase="draining"')).toMatch(/ 5$/);
    expect(line(text, 'shutdown_phase_duration_seconds{phase="hooks"')).toMatch(/ 0\.12$/);
    expect(line(text, 'shutdown_hook_duration_seconds{hook="db",outcome="ok"')).toMatch(/ 0\.03$/);
    expect(line(text, 'shutdown_hook_duration_seconds{hook="redis",outcome="timeout"')).toMatch(
      / 2$/,
    );
    expect(line(text, 'shutdown_hook_duration_seconds{hook="queue",outcome="error"')).toMatch(
      / 0\.01$/,
    );
    expect(line(text, 'shutdown_hook_duration_seconds{hook="http",outcome="ok"')).toMatch(
      / 0\.04$/,
    );
  });
});

describe('createMetrics', () => {
  it('rejects bad options with a coded error', () => {
    expect(() => createMetrics({ service: '' })).toThrow(
      expect.objectContaining({ code: 'METRICS_INVALID_OPTIONS' }),
    );
    expect(() => createMetrics({ service: 'svc', seriesLimit: 0 })).toThrow(
      /seriesLimit must be a positive number/,
    );
  });

  it('registers default metrics minus the dropped ones, and stop() removes them', async () => {
    const metrics = createMetrics({ service: 'svc', version: '2.0.0', commit: 'deadbeef' });
    let text = await metrics.scrape();
    expect(text).toContain('process_resident_memory_bytes{service="svc",version="2.0.0"}');
    expect(text).toContain('nodejs_active_handles{');
    expect(text).not.toContain('nodejs_active_handles_total');
    expect(text).toMatch(
      /build_info\{version="2\.0\.0",commit="deadbeef",node_version="v\d+[^"]*",service="svc"\} 1/,
    );
    metrics.stop();
    text = await metrics.scrape();
    expect(text).not.toContain('process_resident_memory_bytes');
    expect(text).toContain('build_info{');
  });

  it('never touches the global registry unless given it', async () => {
    const { register } = await import('prom-client');
    const before = register.getMetricsAsArray().length;
    const metrics = createMetrics({ service: 'svc' });
    metrics.counter({ name: 'private_total', help: 'x' });
    expect(register.getMetricsAsArray().length).toBe(before);
    expect(register.getSingleMetric('private_total')).toBeUndefined();
    metrics.stop();
  });
});
