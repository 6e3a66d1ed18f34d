import { describe, expect, it } from 'vitest';
import { createMetrics } from './create-metrics.js';

describe('cardinality guard', () => {
  it('folds label sets past the limit into one overflow series and counts them', async () => {
    const metrics = createMetrics({ service: 'svc', defaultMetrics: false, seriesLimit: 3 });
    const counter = metrics.counter({
      name: 'guarded_things_total',
      help: 'Things.',
      labelNames: ['id'],
    });
    for (let index = 0; index < 10; index++) counter.inc({ id: `user-${index}` });
    counter.inc({ id: 'user-0' }, 5);

    const text = await metrics.scrape();
    const lines = text.split('\n').filter((line) => line.startsWith('guarded_things_total{'));
    expect(lines).toHaveLength(4);
    expect(text).toContain('guarded_things_total{id="user-0",service="svc",version="unknown"} 6');
    expect(text).toContain(
      'guarded_things_total{id="_overflow",service="svc",version="unknown"} 7',
    );
    expect(text).toContain(
      'metrics_series_overflow_total{metric="guarded_things_total",service="svc",version="unknown"} 7',
    );
    expect(text).not.toContain('user-5');
  });

  it('frees a slot when a series is removed', async () => {
    const metrics = createMetrics({ service: 'svc', defaultMetrics: false, seriesLimit: 1 });
    const gauge = metrics.gauge({ name: 'guarded_level', help: 'Level.', labelNames: ['k'] });
    gauge.set({ k: 'a' }, 1);
    gauge.remove({ k: 'a' });
    gauge.set({ k: 'b' }, 2);
    const text = await metrics.scrape();
    expect(text).toContain('guarded_level{k="b",service="svc",version="unknown"} 2');
    expect(text).not.toContain('"_overflow"');
  });

  it('applies a per-metric limit over the default one', async () => {
    const metrics = createMetrics({ service: 'svc', defaultMetrics: false, seriesLimit: 100 });
    const histogram = metrics.histogram({
      name: 'guarded_seconds',
      help: 'Time.',
      labelNames: ['k'],
      seriesLimit: 1,
    });
    histogram.observe({ k: 'a' }, 0.1);
    histogram.observe({ k: 'b' }, 0.2);
    const text = await metrics.scrape();
    expect(text).toContain(
      'guarded_seconds_count{k="_overflow",service="svc",version="unknown"} 1',
    );
    expect(text).toContain(
      'metrics_series_overflow_total{metric="guarded_seconds",service="svc",version="unknown"} 1',
    );
  });

  it('returns the same instrument for a repeated name and rejects a type clash', () => {
    const metrics = createMetrics({ service: 'svc', defaultMetrics: false });
    const first = metrics.counter({ name: 'same_total', help: 'x' });
    expect(metrics.counter({ name: 'same_total', help: 'x' })).toBe(first);
    expect(() => metrics.gauge({ name: 'same_total', help: 'x' })).toThrow(
      expect.objectContaining({ code: 'METRICS_DUPLICATE_NAME' }),
    );
  });
});
