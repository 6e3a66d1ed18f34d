import { escapeHelp, formatLabelPairs, formatValue } from './format.js';
import type { ExpositionFormat } from './format.js';
import type { ExemplarState, LabelValues, MetricInternals, PublicValue } from './prom-internals.js';

/** What rendering a family needs besides the metric itself. */
export interface RenderContext {
  readonly format: ExpositionFormat;
  readonly defaultLabels: Readonly<Record<string, string>>;
  /** Formatted label pairs of a labels object, cached by object identity across families. */
  readonly labelsOf: (labels: LabelValues) => string;
}

/** Render contexts kept across scrapes, by the default-labels object of a metrics set. */
const contexts = new WeakMap<object, Partial<Record<ExpositionFormat, RenderContext>>>();

/**
 * The render context of a metrics set and format, kept across scrapes: each label set is
 * formatted once in the process's life, not once per scrape, so a scrape allocates only its
 * output (fresh label strings surviving each young-generation collection of a scrape made those
 * collections, and the event-loop block they cause, grow with the series count).
 */
export function renderContextFor(
  format: ExpositionFormat,
  defaultLabels: Readonly<Record<string, string>>,
): RenderContext {
  let byFormat = contexts.get(defaultLabels);
  if (byFormat === undefined) {
    byFormat = {};
    contexts.set(defaultLabels, byFormat);
  }
  return (byFormat[format] ??= createRenderContext(format, defaultLabels));
}

export function createRenderContext(
  format: ExpositionFormat,
  defaultLabels: Readonly<Record<string, string>>,
): RenderContext {
  const cache = new WeakMap<object, string>();
  return {
    format,
    defaultLabels,
    labelsOf: (labels) => {
      let cached = cache.get(labels);
      if (cached === undefined) {
        cached = formatLabelPairs(labels, defaultLabels);
        cache.set(labels, cached);
      }
      return cached;
    },
  };
}

interface Names {
  /** Name without a counter's `_total`: the base of `_bucket`, `_sum`, `_count`. */
  readonly base: string;
  /** Name of a counter's, gauge's or untyped family's plain samples. */
  readonly sample: string;
}

function namesOf(metric: MetricInternals): Names {
  if (metric.type !== 'counter') return { base: metric.name, sample: metric.name };
  const base = metric.name.replace(/_total$/, '');
  return { base, sample: `${base}_total` };
}

/** `# HELP` and `# TYPE` lines of a family. */
export function familyHeader(metric: MetricInternals, ctx: RenderContext): string {
  const openMetrics = ctx.format === 'openmetrics';
  const { base, sample } = namesOf(metric);
  const family = metric.type === 'counter' && !openMetrics ? sample : base;
  const type = typeName(metric.type, metric.name, openMetrics);
  return `# HELP ${family} ${escapeHelp(metric.help, ctx.format)}\n# TYPE ${family} ${type}\n`;
}

/**
 * The samples of a counter, gauge or histogram read from prom-client's private series state, one
 * series per step. Only for classes `checkReadPath` accepted.
 */
export function* fastSeries(metric: MetricInternals, ctx: RenderContext): Generator<string> {
  const openMetrics = ctx.format === 'openmetrics';
  const { base, sample } = namesOf(metric);
  const hashMap = metric.hashMap ?? {};
  const bounds = metric.upperBounds ?? [];
  const boundStrings = bounds.map((bound) => formatValue(bound));
  for (const key of Object.keys(hashMap)) {
    const entry = hashMap[key];
    if (entry === undefined) continue;
    const labels = ctx.labelsOf(entry.labels);
    const braces = labels === '' ? '' : `{${labels}}`;
    if (metric.type !== 'histogram') {
      const exemplar = openMetrics ? exemplarSuffix(entry.exemplar) : '';
      yield `${sample}${braces} ${formatValue(entry.value ?? 0)}${exemplar}\n`;
      continue;
    }
    const prefix = `${base}_bucket{${labels === '' ? '' : `${labels},`}le="`;
    const buckets = entry.bucketValues ?? {};
    const exemplars = openMetrics ? entry.bucketExemplars : undefined;
    let out = '';
    let cumulative = 0;
    for (let index = 0; index < bounds.length; index++) {
      const bound = bounds[index] as number;
      cumulative += buckets[bound] ?? 0;
      out += `${prefix}${boundStrings[index] ?? ''}"} ${cumulative}`;
      out += exemplars === undefined ? '\n' : `${exemplarSuffix(exemplars[bound])}\n`;
    }
    const count = entry.count ?? 0;
    out += `${prefix}+Inf"} ${count}`;
    out += exemplars === undefined ? '\n' : `${exemplarSuffix(exemplars['-1'])}\n`;
    out += `${base}_sum${braces} ${formatValue(entry.sum ?? 0)}\n${base}_count${braces} ${count}\n`;
    yield out;
  }
}

/** The samples of any metric from what its public `get()` returned, one sample per step. */
export function* publicSeries(
  metric: MetricInternals,
  values: readonly PublicValue[],
  ctx: RenderContext,
): Generator<string> {
  const openMetrics = ctx.format === 'openmetrics';
  const { sample } = namesOf(metric);
  for (const value of values) {
    // `le` goes last, as the fast path writes it, so both paths give the same text.
    const all = value.labels ?? {};
    const le = all['le'];
    let labels = formatLabelPairs(all, ctx.defaultLabels, 'le');
    if (le !== undefined) {
      const bound = typeof le === 'number' ? formatValue(le) : le;
      labels += `${labels === '' ? '' : ','}le="${bound}"`;
    }
    const exemplar = openMetrics ? exemplarSuffix(value.exemplar) : '';
    yield `${value.metricName ?? sample}${labels === '' ? '' : `{${labels}}`} ${formatValue(value.value)}${exemplar}\n`;
  }
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
