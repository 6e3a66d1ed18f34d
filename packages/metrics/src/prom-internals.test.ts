import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { HistogramConfiguration, LabelValues } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMetrics } from './create-metrics.js';
import { checkReadPath, checkWritePath } from './prom-internals.js';
import type { MetricInternals } from './prom-internals.js';
import type { MetricsLogger } from './types.js';

const asInternals = (metric: object): MetricInternals => metric as unknown as MetricInternals;

/** A logger that keeps what it is told. */
function recordingLogger(): MetricsLogger & { warnings: string[] } {
  const warnings: string[] = [];
  return {
    warnings,
    error: () => undefined,
    warn: (message) => warnings.push(message),
    info: () => undefined,
    debug: () => undefined,
  };
}

/** A histogram observed in milliseconds whose get() reports the sum in seconds: its state differs. */
class MillisecondsReportedAsSeconds extends Histogram {
  override async get(): ReturnType<Histogram['get']> {
    const data = await super.get();
    return {
      ...data,
      values: data.values.map((value) =>
        value.metricName?.endsWith('_sum') ? { ...value, value: value.value / 1000 } : value,
      ),
    };
  }
}

/** A histogram that records every observation divided by 1000: an in-place update would not. */
class ScaledHistogram extends Histogram {
  constructor(config: HistogramConfiguration<string>) {
    super(config);
    // prom-client 15 assigns `observe` per instance in its constructor, so it is replaced here.
    const observe = this.observe.bind(this) as (labels: LabelValues<string>, value: number) => void;
    Object.assign(this, {
      observe: (labels: LabelValues<string>, value: number) => observe(labels, value / 1000),
    });
  }
}

describe('prom-client internals read and written by the fast paths', () => {
  it('are what the installed prom-client keeps (if this fails, prom-client changed: see src/prom-internals.ts)', async () => {
    const registers: Registry[] = [];
    const labelNames = ['a'];
    for (const metric of [
      new Counter({ name: 'c_total', help: 'c', labelNames, registers }),
      new Gauge({ name: 'g', help: 'g', labelNames, registers }),
      new Histogram({ name: 'h', help: 'h', labelNames, registers }),
    ]) {
      expect(await checkReadPath(asInternals(metric)), asInternals(metric).name).toEqual({
        ok: true,
      });
    }
    expect(checkWritePath(Histogram)).toEqual({ ok: true });
  });

  it('pins prom-client to the minor version these checks were run against', () => {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    let range: string = manifest.dependencies['prom-client'];
    if (range === 'catalog:') {
      // pnpm's catalog: the workspace file holds the range that is written into the packed package.
      const workspace = readFileSync(
        new URL('../../../pnpm-workspace.yaml', import.meta.url),
        'utf8',
      );
      range =
        /^\s+'?prom-client'?:\s*'([^']+)'/m.exec(workspace)?.[1] ?? 'missing from the catalog';
    }
    expect(range).toBe('~15.1.3');
    const require = createRequire(import.meta.url);
    const installed = JSON.parse(
      readFileSync(require.resolve('prom-client/package.json'), 'utf8'),
    ) as { version: string };
    expect(installed.version).toMatch(/^15\.1\.\d+$/);
  });

  it('refuses a class whose state reads differently from its get(), and one that observes differently', async () => {
    const odd = new MillisecondsReportedAsSeconds({ name: 'odd_ms', help: 'Odd.', registers: [] });
    const verdict = await checkReadPath(asInternals(odd));
    expect(verdict?.ok).toBe(false);
    expect(verdict).toMatchObject({ reason: expect.stringContaining('reads differently') });
    expect(checkWritePath(ScaledHistogram)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('differs from observe()'),
    });
    const summaryLike = { ...asInternals(odd), type: 'summary' };
    expect(checkReadPath(summaryLike)).toBeUndefined();
  });

  it('renders a refused family through get() and logs that once', async () => {
    const registry = new Registry();
    const logger = recordingLogger();
    const metrics = createMetrics({ service: 'svc', defaultMetrics: false, registry, logger });
    const jobs = new MillisecondsReportedAsSeconds({
      name: 'job_duration',
      help: 'Job duration.',
      labelNames: ['job'],
      buckets: [100, 1000],
      registers: [registry],
    });
    jobs.observe({ job: 'mail' }, 250);
    metrics.histogram({ name: 'fast_seconds', help: 'Fast.' }).observe(0.2);
    const first = await metrics.scrape();
    expect(first).toContain('job_duration_sum{job="mail",service="svc",version="unknown"} 0.25\n');
    expect(first).toContain(
      'job_duration_bucket{job="mail",service="svc",version="unknown",le="1000"} 1\n',
    );
    expect(first).toContain('fast_seconds_count{service="svc",version="unknown"} 1\n');
    await metrics.scrape('openmetrics');
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]).toContain('job_duration (its private state reads differently');
    expect(logger.warnings[0]).not.toContain('fast_seconds');
  });

  it('gives the same output through get() (scrapeFastPath: false) as through the state, and logs nothing', async () => {
    const outputs: string[][] = [];
    const logger = recordingLogger();
    for (const scrapeFastPath of [true, false]) {
      const metrics = createMetrics({
        service: 'svc',
        defaultMetrics: false,
        scrapeFastPath,
        logger,
      });
      const counter = metrics.counter({ name: 'jobs_total', help: 'Jobs.', labelNames: ['q'] });
      const gauge = metrics.gauge({ name: 'depth', help: 'Depth.', labelNames: ['q'] });
      const histogram = metrics.histogram({
        name: 'work_seconds',
        help: 'Work.',
        labelNames: ['q'],
      });
      for (const q of ['a', 'b"c', 'd\\e']) {
        counter.inc({ q }, 2);
        gauge.set({ q }, q === 'a' ? Number.NaN : 4.5);
        for (const value of [0.001, 0.3, 20]) histogram.observe({ q }, value);
      }
      metrics.histogram({ name: 'unlabelled_seconds', help: 'None.', buckets: [1] }).observe(2);
      outputs.push([await metrics.scrape(), await metrics.scrape('openmetrics')]);
    }
    expect(outputs[0]![0]).toContain(
      'work_seconds_bucket{q="b\\"c",service="svc",version="unknown",le="0.5"} 2\n',
    );
    expect(outputs[1]).toEqual(outputs[0]);
    expect(logger.warnings).toEqual([]);
  });
});
