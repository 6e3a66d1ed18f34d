import { describe, expect, it } from 'vitest';
import { loadDashboards } from './lib/dashboards.js';
import {
  ALL,
  interpolate,
  intervalMs,
  labelValuesQuery,
  rateIntervalMs,
  roundIntervalMs,
} from './lib/grafana.js';

// The live Prometheus test sends the panels' queries as Grafana would; these pin the substitution.
const [api, worker] = loadDashboards();
const view = { scrapeIntervalMs: 15_000, rangeMs: 3 * 3_600_000, maxDataPoints: 1_000 };

describe('Grafana query substitution', () => {
  it('computes $__interval and $__rate_interval as Grafana does', () => {
    expect(roundIntervalMs(10_800)).toBe(10_000);
    expect(roundIntervalMs(900)).toBe(1_000);
    // 3 h over 1000 points: 10.8 s → 10 s, below the 15 s scrape interval → 15 s.
    expect(intervalMs(view)).toBe(15_000);
    // max($__interval + scrape interval, 4 × scrape interval)
    expect(rateIntervalMs(view)).toBe(60_000);
    expect(rateIntervalMs({ ...view, scrapeIntervalMs: 2_000, rangeMs: 300_000 })).toBe(8_000);
    // 24 h over 1000 points: 86.4 s → 1 m; + 1 s.
    expect(rateIntervalMs({ ...view, scrapeIntervalMs: 1_000, rangeMs: 24 * 3_600_000 })).toBe(
      61_000,
    );
  });

  it('inserts "All" as the allValue and a chosen value regex-escaped', () => {
    const expr = 'sum(rate(x_total{namespace=~"$namespace", queue=~"${queue}"}[$__rate_interval]))';
    expect(interpolate(expr, worker!, { ...view, variables: { namespace: ALL, queue: ALL } })).toBe(
      'sum(rate(x_total{namespace=~".*", queue=~".*"}[1m]))',
    );
    expect(
      interpolate(expr, worker!, {
        ...view,
        variables: { namespace: ['shop.prod'], queue: ['orders', 'mail'] },
      }),
    ).toBe('sum(rate(x_total{namespace=~"shop\\\\.prod", queue=~"(orders|mail)"}[1m]))');
  });

  it('refuses a variable the dashboard does not define, or one without a value', () => {
    expect(() => interpolate('up{x="$nope"}', api!, { ...view, variables: {} })).toThrow(
      /no such template variable/,
    );
    expect(() =>
      interpolate('up{namespace=~"$namespace"}', api!, { ...view, variables: {} }),
    ).toThrow(/no value selected/);
  });

  it('reads the dashboards’ label_values() variables', () => {
    const namespace = api!.templating.list.find((v) => v.name === 'namespace')!;
    expect(labelValuesQuery(namespace)).toEqual({
      selector: 'build_info{job="shipshape-api"}',
      label: 'namespace',
    });
  });
});
