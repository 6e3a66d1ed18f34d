import type { Registry } from 'prom-client';
import { escapeHelp, formatLabelPairs, formatValue } from './format.js';
import type { ExpositionFormat } from './format.js';
import type { LoggerLike } from './types.js';

type LabelValues = Record<string, string | number | undefined>;

interface ExemplarState {
  labelSet?: LabelValues;
  value?: number | null;
  timestamp?: number;
}

interface SeriesEntry {
  labels: LabelValues;
  value?: number;
  sum?: number;
  count?: number;
  bucketValues?: Record<string, number>;
  bucketExemplars?: Record<string, ExemplarState | null>;
}

interface GenericValue {
  labels?: LabelValues;
  value: number;
  metricName?: string;
  exemplar?: ExemplarState | null;
}

/** The parts of a prom-client metric object the serialiser reads. */
interface MetricInternals {
  name: string;
  help: string;
  type: string;
  hashMap?: Record<string, SeriesEntry>;
  upperBounds?: readonly number[];
  collect?: () => unknown;
  get(): Promise<{ values?: GenericValue[] }>;
}

export interface SerializeOptions {
  format: ExpositionFormat;
  defaultLabels: Readonly<Record<string, string>>;
  /** Longest stretch of synchronous work before yielding to the event loop. */
  sliceBudgetMs: number;
  /** Receives the output in pieces, one per slice. */
  write: (chunk: string) => void;
  /**
   * Asked at every yield: a promise to wait on instead of yielding (the socket's buffer is full),
   * `'stop'` to abandon the scrape (the client went away), or undefined to carry on.
   */
  pause?: () => Promise<void> | 'stop' | undefined;
  logger?: LoggerLike | undefined;
}

/** Sample lines rendered between two looks at the clock. */
const CHECK_EVERY_LINES = 256;
/** Output is handed to `write` once this much has accumulated. */
const FLUSH_AT_CHARS = 32 * 1024;

const yieldToEventLoop = (): Promise<void> =>
  new Promise((resolve) => {
    setImmediate(resolve);
  });

/**
 * Serialises a registry without blocking the event loop for longer than `sliceBudgetMs` (plus the
 * cost of one series): collectors run first (in parallel), then series are rendered in slices that
 * yield with setImmediate between them. Reads prom-client's counter, gauge and histogram state
 * directly; other metric types go through their own `get()`.
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
  const { format, defaultLabels, sliceBudgetMs, write, logger, pause } = options;
  const metrics = registry.getMetricsAsArray() as unknown as MetricInternals[];
  const failed = new Set<MetricInternals>();
  await Promise.all(metrics.map((metric) => runCollect(metric, failed, logger)));

  const labelCache = new WeakMap<object, string>();
  const labelsOf = (labels: LabelValues): string => {
    let cached = labelCache.get(labels);
    if (cached === undefined) {
      cached = formatLabelPairs(labels, defaultLabels);
      labelCache.set(labels, cached);
    }
    return cached;
  };
  const openMetrics = format === 'openmetrics';
  let buffer = '';
  let sliceStart = performance.now();
  let sinceCheck = 0;
  const maybeYield = async (lines: number): Promise<void> => {
    sinceCheck += lines;
    if (sinceCheck < CHECK_EVERY_LINES) return;
    sinceCheck = 0;
    if (buffer.length >= FLUSH_AT_CHARS) {
      // Hand small pieces on: a long rope of line strings kept alive makes every scavenge slow.
      write(buffer);
      buffer = '';
    }
    if (performance.now() - sliceStart < sliceBudgetMs) return;
    if (buffer !== '') write(buffer);
    buffer = '';
    const wait = pause?.();
    if (wait === 'stop') throw new ScrapeAbandoned();
    await (wait ?? yieldToEventLoop());
    sliceStart = performance.now();
  };

  for (const metric of metrics) {
    if (failed.has(metric)) continue;
    const isCounter = metric.type === 'counter';
    const base = isCounter ? metric.name.replace(/_total$/, '') : metric.name;
    const sampleName = isCounter ? `${base}_total` : base;
    const family = isCounter && !openMetrics ? sampleName : base;
    const type = typeName(metric.type, metric.name, openMetrics);
    buffer += `# HELP ${family} ${escapeHelp(metric.help, format)}\n# TYPE ${family} ${type}\n`;

    const hashMap = metric.hashMap;
    if (!isFastPath(metric) || hashMap === undefined) {
      const data = await metric.get();
      for (const value of data.values ?? []) {
        const labels = formatLabelPairs(value.labels ?? {}, defaultLabels);
        buffer += `${value.metricName ?? sampleName}${labels === '' ? '' : `{${labels}}`} ${formatValue(value.value)}`;
        buffer += openMetrics ? exemplarSuffix(value.exemplar) : '';
        buffer += '\n';
        await maybeYield(1);
      }
      continue;
    }
    const bounds = metric.upperBounds ?? [];
    const boundStrings = bounds.map((bound) => formatValue(bound));
    for (const key of Object.keys(hashMap)) {
      const entry = hashMap[key];
      if (entry === undefined) continue;
      const labels = labelsOf(entry.labels);
      if (metric.type !== 'histogram') {
        buffer += `${sampleName}${labels === '' ? '' : `{${labels}}`} ${formatValue(entry.value ?? 0)}\n`;
      } else {
        const prefix = `${base}_bucket{${labels === '' ? '' : `${labels},`}le="`;
        const buckets = entry.bucketValues ?? {};
        const exemplars = openMetrics ? entry.bucketExemplars : undefined;
        let cumulative = 0;
        for (let index = 0; index < bounds.length; index++) {
          const bound = bounds[index] as number;
          cumulative += buckets[bound] ?? 0;
          buffer += `${prefix}${boundStrings[index] ?? ''}"} ${cumulative}`;
          buffer += exemplars === undefined ? '\n' : `${exemplarSuffix(exemplars[bound])}\n`;
        }
        const count = entry.count ?? 0;
        buffer += `${prefix}+Inf"} ${count}`;
        buffer += exemplars === undefined ? '\n' : `${exemplarSuffix(exemplars['-1'])}\n`;
        const braces = labels === '' ? '' : `{${labels}}`;
        buffer += `${base}_sum${braces} ${formatValue(entry.sum ?? 0)}\n${base}_count${braces} ${count}\n`;
      }
      await maybeYield(bounds.length + 3);
    }
  }
  if (openMetrics) buffer += '# EOF\n';
  write(buffer);
}

/** Counters, gauges and histograms are read from their state; everything else through `get()`. */
function isFastPath(metric: MetricInternals): boolean {
  if (typeof metric.hashMap !== 'object') return false;
  if (metric.type === 'counter' || metric.type === 'gauge') return true;
  return metric.type === 'histogram' && Array.isArray(metric.upperBounds);
}

/** Suffixes promtool's lint reserves for counters, histograms and summaries. */
const RESERVED_SUFFIX = /_(count|sum|bucket|total)$/;

/**
 * The TYPE written for a family. A gauge whose name ends in a reserved suffix (OpenTelemetry's
 * `db_client_connection_count`) is written as `untyped` in text 0.0.4: promtool exempts untyped
 * families from its suffix rules and PromQL treats them exactly like gauges.
 */
function typeName(type: string, name: string, openMetrics: boolean): string {
  if (type === 'gauge' && !openMetrics && RESERVED_SUFFIX.test(name)) return 'untyped';
  if (type === 'counter' || type === 'gauge' || type === 'histogram' || type === 'summary')
    return type;
  return openMetrics ? 'unknown' : 'untyped';
}

function exemplarSuffix(exemplar: ExemplarState | null | undefined): string {
  if (exemplar?.labelSet === undefined || typeof exemplar.value !== 'number') return '';
  const labels = formatLabelPairs(exemplar.labelSet, {});
  if (labels === '') return '';
  const timestamp = typeof exemplar.timestamp === 'number' ? ` ${exemplar.timestamp}` : '';
  return ` # {${labels}} ${formatValue(exemplar.value)}${timestamp}`;
}

async function runCollect(
  metric: MetricInternals,
  failed: Set<MetricInternals>,
  logger: LoggerLike | undefined,
): Promise<void> {
  if (typeof metric.collect !== 'function' || !isFastPath(metric)) return;
  try {
    await metric.collect();
  } catch (error) {
    failed.add(metric);
    logger?.warn(
      `metrics: collector for ${metric.name} failed; the family is left out of this scrape`,
      {
        metric: metric.name,
        err: error,
      },
    );
  }
}
