import { describe, expect, it } from 'vitest';
import { createMetrics } from './create-metrics.js';
import { HistogramSeries } from './histogram-series.js';

const BUCKETS = [0.01, 0.1, 1];

function twoHistograms(seriesLimit = 100) {
  const metrics = createMetrics({ service: 'svc', defaultMetrics: false, seriesLimit });
  const config = { help: 'Seconds.', labelNames: ['route', 'code'], buckets: BUCKETS };
  return {
    metrics,
    fast: metrics.histogram({ name: 'fast_seconds', ...config }),
    plain: metrics.histogram({ name: 'plain_seconds', ...config }),
  };
}

/** The exposition lines of one metric, with its name removed so two metrics can be compared. */
async function seriesOf(
  metrics: ReturnType<typeof createMetrics>,
  name: string,
): Promise<string[]> {
  const text = await metrics.scrape();
  return text
    .split('\n')
    .filter((line) => line.startsWith(name))
    .map((line) => line.slice(name.length));
}

describe('HistogramSeries', () => {
  it('records exactly what observe records: buckets, sum, count, above the last bound', async () => {
    const { metrics, fast, plain } = twoHistograms();
    const labels = { route: '/a', code: 200 };
    const handle = new HistogramSeries(fast, labels);
    for (const value of [0.005, 0.01, 0.05, 0.5, 1, 3, 0.2]) {
      handle.observe(value, undefined);
      plain.observe(labels, value);
    }
    const fastLines = await seriesOf(metrics, 'fast_seconds');
    expect(fastLines).toContain('_count{route="/a",code="200",service="svc",version="unknown"} 7');
    expect(fastLines).toEqual(await seriesOf(metrics, 'plain_seconds'));
  });

  it('starts over through the guard after reset and remove', async () => {
    const { metrics, fast, plain } = twoHistograms();
    const labels = { route: '/b', code: 500 };
    const handle = new HistogramSeries(fast, labels);
    handle.observe(0.5, undefined);
    handle.observe(0.5, undefined);
    fast.reset();
    handle.observe(0.05, undefined);
    fast.remove(labels);
    handle.observe(0.005, undefined);
    handle.observe(2, undefined);
    plain.observe(labels, 0.005);
    plain.observe(labels, 2);
    expect(await seriesOf(metrics, 'fast_seconds')).toEqual(
      await seriesOf(metrics, 'plain_seconds'),
    );
  });

  it('keeps folding into overflow, counting every observation, when the limit is reached', async () => {
    const { metrics, fast } = twoHistograms(1);
    new HistogramSeries(fast, { route: '/first', code: 200 }).observe(0.1, undefined);
    const folded = new HistogramSeries(fast, { route: '/second', code: 200 });
    for (let i = 0; i < 3; i++) folded.observe(0.1, undefined);
    const text = await metrics.scrape();
    expect(text).toContain(
      'fast_seconds_count{route="_overflow",code="_overflow",service="svc",version="unknown"} 3',
    );
    expect(text).toContain(
      'metrics_series_overflow_total{metric="fast_seconds",service="svc",version="unknown"} 3',
    );
    expect(text).not.toContain('/second');
  });

  it('rejects a value that is not a finite number, as observe does', () => {
    const { fast } = twoHistograms();
    const handle = new HistogramSeries(fast, { route: '/c', code: 200 });
    handle.observe(0.1, undefined);
    expect(() => {
      handle.observe(Number.NaN, undefined);
    }).toThrow(/not a valid number/);
  });

  it('attaches the trace id as an exemplar in OpenMetrics output', async () => {
    const { metrics, fast } = twoHistograms();
    const handle = new HistogramSeries(fast, { route: '/d', code: 200 });
    handle.observe(0.05, undefined);
    handle.observe(0.05, '0af7651916cd43dd8448eb211c80319c');
    const text = await metrics.scrape('openmetrics');
    expect(text).toMatch(
      /fast_seconds_bucket\{[^}]*le="0\.1"[^}]*\} 2 # \{trace_id="0af7651916cd43dd8448eb211c80319c"\} 0\.05/,
    );
  });
});
