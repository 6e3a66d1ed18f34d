import { setImmediate as turnOfTheLoop } from 'node:timers/promises';
import type { Registry } from 'prom-client';
import type { ExpositionFormat } from './format.js';
import { checkReadPath } from './prom-internals.js';
import type { MetricInternals, PublicValue } from './prom-internals.js';
import { familyHeader, fastSeries, publicSeries, renderContextFor } from './render-series.js';
import type { MetricsLogger } from './types.js';

export interface SerializeOptions {
  format: ExpositionFormat;
  defaultLabels: Readonly<Record<string, string>>;
  /** Longest stretch of synchronous work before yielding to the event loop. */
  sliceBudgetMs: number;
  /** Read counters, gauges and histograms from prom-client's state when their class allows it. */
  fastPath?: boolean;
  /** Receives the output in pieces. */
  write: (chunk: string) => void;
  /**
   * Asked at the end of every slice: a promise to wait on before going on (the socket's buffer is
   * full), `'stop'` to abandon the scrape (the client went away), or undefined to carry on.
   */
  pause?: () => Promise<void> | 'stop' | undefined;
  /** Told, once per scrape, which families were read through get() although a fast path exists. */
  onPublicPath?: (families: readonly PublicPathFamily[]) => void;
  logger?: MetricsLogger | undefined;
}

export interface PublicPathFamily {
  readonly name: string;
  readonly reason: string;
}

/**
 * Series a family had at its last scrape from which it starts a slice of its own: listing a
 * family's series (`Object.keys` of prom-client's `hashMap`, which V8 sorts by insertion) cannot be
 * split, and at 50k series takes about 10 ms on its own.
 */
export const OWN_SLICE_SERIES = 2_000;
/** Series per family at its last scrape, for `OWN_SLICE_SERIES`. */
const lastSeriesCounts = new WeakMap<MetricInternals, number>();

/** Output is handed to `write`, and the clock looked at, once this much has accumulated. */
const FLUSH_AT_CHARS = 32 * 1024;
/**
 * Output after which a slice ends at its next flush, whatever the clock says: on any machine the
 * event loop turns at least once per twice this many characters (a few hundred histogram series).
 */
export const SLICE_MAX_CHARS = 256 * 1024;

/**
 * Serialises a registry in slices of at most `sliceBudgetMs` and `SLICE_MAX_CHARS`: collectors run
 * first (in parallel), then series are rendered, and after each slice the output is written, the
 * consumer's `pause()` is awaited (the socket's `drain`), and then the event loop is given a turn
 * with setImmediate. The drain alone is not enough: with a fast reader on another core it fires
 * within the same tick, and the loop would never turn during the scrape.
 */
export async function serializeRegistry(
  registry: Registry,
  options: SerializeOptions,
): Promise<void> {
  try {
    await render(registry, options);
  } catch (error) {
    if (!(error instanceof ScrapeAbandoned)) throw error;
  }
}

/** Thrown inside the renderer to unwind when the consumer asked to stop. */
class ScrapeAbandoned extends Error {}

async function render(registry: Registry, options: SerializeOptions): Promise<void> {
  const { format, sliceBudgetMs, write, logger, pause } = options;
  const metrics = registry.getMetricsAsArray() as unknown as MetricInternals[];
  const fast = new Set<MetricInternals>();
  const publicPath: PublicPathFamily[] = [];
  for (const metric of metrics) {
    const verdict = options.fastPath === false ? undefined : await checkReadPath(metric);
    if (verdict?.ok === true) fast.add(metric);
    else if (verdict !== undefined) publicPath.push({ name: metric.name, reason: verdict.reason });
  }
  if (publicPath.length > 0) options.onPublicPath?.(publicPath);
  const failed = new Set<MetricInternals>();
  // A family read through get() runs its collector there.
  await Promise.all([...fast].map((metric) => runCollect(metric, failed, logger)));

  const ctx = renderContextFor(format, options.defaultLabels);
  let buffer = '';
  let sliceStart = performance.now();
  let sliceChars = 0;
  const endSlice = async (): Promise<void> => {
    if (buffer !== '') write(buffer);
    buffer = '';
    const wait = pause?.();
    if (wait === 'stop') throw new ScrapeAbandoned();
    if (wait !== undefined) await wait;
    await turnOfTheLoop();
    sliceStart = performance.now();
    sliceChars = 0;
  };
  const afterSeries = async (): Promise<void> => {
    if (buffer.length < FLUSH_AT_CHARS) return;
    // Hand small pieces on: a long rope of line strings kept alive makes every scavenge slow.
    write(buffer);
    sliceChars += buffer.length;
    buffer = '';
    if (sliceChars >= SLICE_MAX_CHARS || performance.now() - sliceStart >= sliceBudgetMs)
      await endSlice();
  };

  for (const metric of metrics) {
    if (failed.has(metric)) continue;
    if (fast.has(metric)) {
      if ((lastSeriesCounts.get(metric) ?? 0) >= OWN_SLICE_SERIES) await endSlice();
      buffer += familyHeader(metric, ctx);
      let count = 0;
      for (const series of fastSeries(metric, ctx)) {
        buffer += series;
        count++;
        await afterSeries();
      }
      lastSeriesCounts.set(metric, count);
      continue;
    }
    // get() runs the collector and copies every series at once: a slice of its own.
    const data = await readPublic(metric, logger);
    if (performance.now() - sliceStart >= sliceBudgetMs) await endSlice();
    if (data === undefined) continue;
    buffer += familyHeader(metric, ctx);
    for (const sample of publicSeries(metric, data.values ?? [], ctx)) {
      buffer += sample;
      await afterSeries();
    }
  }
  if (format === 'openmetrics') buffer += '# EOF\n';
  write(buffer);
}

async function readPublic(
  metric: MetricInternals,
  logger: MetricsLogger | undefined,
): Promise<{ values?: PublicValue[] } | undefined> {
  try {
    return await metric.get();
  } catch (error) {
    reportFailure(metric, error, logger);
    return undefined;
  }
}

async function runCollect(
  metric: MetricInternals,
  failed: Set<MetricInternals>,
  logger: MetricsLogger | undefined,
): Promise<void> {
  if (typeof metric.collect !== 'function') return;
  try {
    await metric.collect();
  } catch (error) {
    failed.add(metric);
    reportFailure(metric, error, logger);
  }
}

function reportFailure(
  metric: MetricInternals,
  error: unknown,
  logger: MetricsLogger | undefined,
): void {
  logger?.warn(
    `metrics: collector for ${metric.name} failed; the family is left out of this scrape`,
    { metric: metric.name, err: error },
  );
}
