import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { context, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { Registry, Summary } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics } from './create-metrics.js';
import { OWN_SLICE_SERIES, SLICE_MAX_CHARS, serializeRegistry } from './serialize.js';

/** Runs `work` while counting turns of the event loop (setImmediate callbacks) and chunks written. */
async function withTicker(
  work: (write: (chunk: string) => void) => Promise<void>,
): Promise<{ ticks: number; chunks: string[] }> {
  let ticks = 0;
  let running = true;
  const tick = (): void => {
    ticks++;
    if (running) setImmediate(tick);
  };
  const chunks: string[] = [];
  setImmediate(tick);
  const before = ticks;
  await work((chunk) => chunks.push(chunk));
  running = false;
  return { ticks: ticks - before, chunks };
}

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const contextManager = new AsyncLocalStorageContextManager();

function withSpan<T>(sampled: boolean, fn: () => T): T {
  const span = trace.wrapSpanContext({
    traceId: TRACE_ID,
    spanId: 'b7ad6b7169203331',
    traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
  });
  return context.with(trace.setSpan(ROOT_CONTEXT, span), fn);
}

beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable());
});
afterAll(() => {
  context.disable();
});

describe('serialiser', () => {
  it('writes exemplars from a sampled span only in OpenMetrics', async () => {
    const metrics = createMetrics({ service: 'svc', version: '1.0.0', defaultMetrics: false });
    const histogram = metrics.histogram({
      name: 'work_seconds',
      help: 'Work.',
      labelNames: ['kind'],
      buckets: [0.1, 1],
    });
    withSpan(true, () => {
      histogram.observe({ kind: 'a' }, 0.05);
    });
    withSpan(false, () => {
      histogram.observe({ kind: 'b' }, 0.05);
    });

    const openMetrics = await metrics.scrape('openmetrics');
    const bucket = openMetrics
      .split('\n')
      .find((line) => line.startsWith('work_seconds_bucket{kind="a"') && line.includes('le="0.1"'));
    expect(bucket).toMatch(new RegExp(`} 1 # \\{trace_id="${TRACE_ID}"\\} 0\\.05 \\d+(\\.\\d+)?$`));
    expect(openMetrics.split('\n').filter((line) => line.includes('# {'))).toHaveLength(1);
    expect(openMetrics.endsWith('# EOF\n')).toBe(true);

    const text = await metrics.scrape('prometheus');
    expect(text).not.toContain('trace_id');
    expect(text).not.toContain('# EOF');
    expect(text).toContain(
      'work_seconds_bucket{kind="a",service="svc",version="1.0.0",le="0.1"} 1',
    );
  });

  it('names counters with _total in samples and strips it from the OpenMetrics family', async () => {
    const metrics = createMetrics({ service: 'svc', defaultMetrics: false });
    metrics.counter({ name: 'jobs_total', help: 'Jobs.' }).inc(3);
    metrics.counter({ name: 'events', help: 'Events without suffix.' }).inc();
    const text = await metrics.scrape();
    expect(text).toContain(
      '# TYPE jobs_total counter\njobs_total{service="svc",version="unknown"} 3\n',
    );
    expect(text).toContain('# TYPE events_total counter\nevents_total{');
    const openMetrics = await metrics.scrape('openmetrics');
    expect(openMetrics).toContain(
      '# TYPE jobs counter\njobs_total{service="svc",version="unknown"} 3\n',
    );
  });

  it('escapes label values and help text, and writes special values', async () => {
    const metrics = createMetrics({ service: 'svc', defaultMetrics: false });
    const gauge = metrics.gauge({
      name: 'odd_value',
      help: 'Back\\slash and\nnewline "quoted".',
      labelNames: ['v'],
    });
    gauge.set({ v: 'a"b\\c\nd' }, Number.NaN);
    gauge.set({ v: 'inf' }, Number.POSITIVE_INFINITY);
    const text = await metrics.scrape();
    expect(text).toContain('# HELP odd_value Back\\\\slash and\\nnewline "quoted".');
    expect(text).toContain('odd_value{v="a\\"b\\\\c\\nd",service="svc",version="unknown"} NaN');
    expect(text).toContain('odd_value{v="inf",service="svc",version="unknown"} +Inf');
    expect(await metrics.scrape('openmetrics')).toContain(
      '# HELP odd_value Back\\\\slash and\\nnewline \\"quoted\\".',
    );
  });

  it('renders other metric types through get() and skips a family whose collector throws', async () => {
    const registry = new Registry();
    const metrics = createMetrics({ service: 'svc', defaultMetrics: false, registry });
    const summary = new Summary({
      name: 'latency_seconds',
      help: 'Latency.',
      percentiles: [0.5],
      registers: [registry],
    });
    summary.observe(2);
    metrics.gauge({
      name: 'broken_gauge',
      help: 'Collector throws.',
      collect: () => {
        throw new Error('boom');
      },
    });
    const text = await metrics.scrape();
    expect(text).toContain('# TYPE latency_seconds summary');
    expect(text).toContain('latency_seconds{quantile="0.5",service="svc",version="unknown"} 2');
    expect(text).toContain('latency_seconds_count{service="svc",version="unknown"} 1');
    expect(text).not.toContain('broken_gauge');
  });

  it('turns the event loop at least once per 2 × SLICE_MAX_CHARS of output, whatever the clock allows', async () => {
    const metrics = createMetrics({ service: 'svc', defaultMetrics: false, seriesLimit: 5000 });
    const histogram = metrics.histogram({ name: 'big_seconds', help: 'Big.', labelNames: ['i'] });
    for (let index = 0; index < 3000; index++) histogram.observe({ i: index }, index / 3000);
    const { ticks, chunks } = await withTicker((write) =>
      serializeRegistry(metrics.registry, {
        format: 'prometheus',
        defaultLabels: { service: 'svc', version: 'unknown' },
        sliceBudgetMs: 60_000,
        write,
      }),
    );
    const output = chunks.join('');
    expect(output).toBe(await metrics.scrape());
    expect(output.length).toBeGreaterThan(4 * SLICE_MAX_CHARS);
    expect(ticks).toBeGreaterThanOrEqual(Math.floor(output.length / (2 * SLICE_MAX_CHARS)));
  });

  it('starts a family that had OWN_SLICE_SERIES series or more in a slice of its own (listing them cannot be split)', async () => {
    const metrics = createMetrics({ service: 'svc', defaultMetrics: false, seriesLimit: 5000 });
    metrics.counter({ name: 'small_total', help: 'Small.' }).inc();
    const big = metrics.counter({ name: 'big_total', help: 'Big.', labelNames: ['i'] });
    for (let index = 0; index < OWN_SLICE_SERIES; index++) big.inc({ i: index });
    const scrape = async () => {
      const pieces: string[] = [];
      let ended = 0;
      await serializeRegistry(metrics.registry, {
        format: 'prometheus',
        defaultLabels: { service: 'svc', version: 'unknown' },
        sliceBudgetMs: 60_000,
        write: (chunk) => pieces.push(chunk),
        pause: () => {
          pieces.push(`<slice ${++ended}>`);
          return undefined;
        },
      });
      return pieces.join('');
    };
    // The first scrape does not know the family's size yet; every later one does.
    expect(await scrape()).not.toContain('<slice 1># HELP big_total');
    expect(await scrape()).toContain(
      'small_total{service="svc",version="unknown"} 1\n<slice 1># HELP big_total',
    );
  });

  it('turns the event loop after every pause, even one that resolves at once (a fast reader)', async () => {
    const metrics = createMetrics({ service: 'svc', defaultMetrics: false, seriesLimit: 20_000 });
    const counter = metrics.counter({ name: 'many_total', help: 'Many.', labelNames: ['i'] });
    for (let index = 0; index < 10_000; index++) counter.inc({ i: index });
    let pauses = 0;
    const { ticks, chunks } = await withTicker((write) =>
      serializeRegistry(metrics.registry, {
        format: 'prometheus',
        defaultLabels: { service: 'svc', version: 'unknown' },
        sliceBudgetMs: 0.0001,
        write,
        // What 'drain' does when the reader keeps up: the wait is over within the same tick.
        pause: () => {
          pauses++;
          return Promise.resolve();
        },
      }),
    );
    expect(chunks.join('')).toBe(await metrics.scrape());
    expect(pauses).toBeGreaterThan(3);
    expect(ticks).toBeGreaterThanOrEqual(pauses);
  });

  it('waits on pause() promises and abandons the scrape on stop', async () => {
    const metrics = createMetrics({ service: 'svc', defaultMetrics: false });
    const counter = metrics.counter({ name: 'paused_total', help: 'Paused.', labelNames: ['i'] });
    for (let index = 0; index < 3000; index++) counter.inc({ i: index });
    const options = {
      format: 'prometheus' as const,
      defaultLabels: { service: 'svc', version: 'unknown' },
      sliceBudgetMs: 0.0001,
    };
    let waits = 0;
    const full: string[] = [];
    await serializeRegistry(metrics.registry, {
      ...options,
      write: (chunk) => full.push(chunk),
      pause: () => {
        waits++;
        return new Promise((resolve) => setTimeout(resolve, 0));
      },
    });
    expect(waits).toBeGreaterThan(1);
    expect(full.join('')).toBe(await metrics.scrape());

    const partial: string[] = [];
    await serializeRegistry(metrics.registry, {
      ...options,
      write: (chunk) => partial.push(chunk),
      pause: () => 'stop',
    });
    expect(partial.length).toBe(1);
    expect(partial.join('').length).toBeLessThan(full.join('').length / 2);
  });
});
