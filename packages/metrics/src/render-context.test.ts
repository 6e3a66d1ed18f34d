import { describe, expect, it } from 'vitest';
import { createMetrics } from './create-metrics.js';
import { renderContextFor } from './render-series.js';

describe('render contexts kept across scrapes', () => {
  it('one per metrics set and format', () => {
    const defaults = { service: 'api' };
    expect(renderContextFor('prometheus', defaults)).toBe(renderContextFor('prometheus', defaults));
    expect(renderContextFor('openmetrics', defaults)).not.toBe(
      renderContextFor('prometheus', defaults),
    );
    expect(renderContextFor('prometheus', { service: 'api' })).not.toBe(
      renderContextFor('prometheus', defaults),
    );
  });

  it('repeated scrapes, removed and re-created series all show their own labels', async () => {
    const metrics = createMetrics({ service: 'api', defaultMetrics: false });
    const counter = metrics.counter({
      name: 'jobs_total',
      help: 'Jobs.',
      labelNames: ['queue'],
    });
    counter.inc({ queue: 'a"b' });
    counter.inc({ queue: 'c' });
    const first = await metrics.scrape();
    expect(await metrics.scrape()).toBe(first);
    expect(first).toContain('jobs_total{queue="a\\"b",service="api",version="unknown"} 1');
    counter.remove({ queue: 'c' });
    counter.inc({ queue: 'c' }, 5);
    counter.inc({ queue: 'd' });
    const third = await metrics.scrape();
    expect(third).toContain('jobs_total{queue="c",service="api",version="unknown"} 5');
    expect(third).toContain('jobs_total{queue="d",service="api",version="unknown"} 1');
  });
});
