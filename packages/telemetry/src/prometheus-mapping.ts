import { ValueType, type Attributes, type HrTime } from '@opentelemetry/api';
import { metrics } from '@opentelemetry/sdk-node';
import type { PrometheusMetricLike } from './telemetry.js';

/**
 * prom-client families → OTLP metric data, per the OpenTelemetry "Prometheus and OpenMetrics
 * Compatibility" specification: counter → monotonic cumulative Sum, gauge (and unknown) → Gauge,
 * histogram → explicit-bucket Histogram; the name is kept unless suffixes are stripped. prom-client
 * has no UNIT metadata, so the unit comes from the name's OpenMetrics unit suffix (`_seconds` → `s`).
 * The JS SDK has no Summary data type: summaries are reported to `onDropped` and left out.
 */

const UNIT_WORDS: Readonly<Record<string, string>> = {
  seconds: 's',
  milliseconds: 'ms',
  microseconds: 'us',
  nanoseconds: 'ns',
  minutes: 'min',
  hours: 'h',
  days: 'd',
  bytes: 'By',
  kilobytes: 'kBy',
  megabytes: 'MBy',
  gigabytes: 'GBy',
  bits: 'bit',
  ratio: '1',
  percent: '%',
  meters: 'm',
  grams: 'g',
  volts: 'V',
  amperes: 'A',
  watts: 'W',
  joules: 'J',
  hertz: 'Hz',
  celsius: 'Cel',
};

/** Denominators of `<unit>_per_<unit>` names are singular (`bytes_per_second`). */
const PER_WORDS: Readonly<Record<string, string>> = {
  ...UNIT_WORDS,
  second: 's',
  minute: 'min',
  hour: 'h',
  day: 'd',
};

export interface NameAndUnit {
  readonly name: string;
  readonly unit: string;
}

/** The OTLP name and unit of a Prometheus family. */
export function nameAndUnit(promName: string, type: string, stripSuffixes: boolean): NameAndUnit {
  const base = type === 'counter' && promName.endsWith('_total') ? promName.slice(0, -6) : promName;
  const words = base.split('_');
  let unit = '';
  let unitWords = 0;
  const last = words.at(-1) ?? '';
  const per = words.length >= 4 && words.at(-2) === 'per' ? (words.at(-3) ?? '') : '';
  if (per in UNIT_WORDS && last in PER_WORDS) {
    unit = `${UNIT_WORDS[per]}/${PER_WORDS[last]}`;
    unitWords = 3;
  } else if (words.length >= 2 && last in UNIT_WORDS) {
    unit = UNIT_WORDS[last] ?? '';
    unitWords = 1;
  }
  const name = stripSuffixes && unitWords > 0 ? words.slice(0, -unitWords).join('_') : base;
  return { name: stripSuffixes ? name : promName, unit };
}

export interface MappingContext {
  readonly now: HrTime;
  readonly stripSuffixes: boolean;
  /** Start time of a cumulative series; `total` lets the caller notice a reset. */
  startOf(seriesKey: string, total: number): HrTime;
  onDropped(family: string, reason: string): void;
}

type Sample = PrometheusMetricLike['values'][number];

export function toMetricData(
  families: readonly PrometheusMetricLike[],
  context: MappingContext,
): metrics.MetricData[] {
  const out: metrics.MetricData[] = [];
  for (const family of families) {
    const type = typeof family.type === 'string' ? family.type : 'unknown';
    if (type === 'summary') {
      context.onDropped(family.name, 'summaries have no OpenTelemetry JS data type');
      continue;
    }
    const { name, unit } = nameAndUnit(family.name, type, context.stripSuffixes);
    const descriptor = { name, description: family.help, unit, valueType: ValueType.DOUBLE };
    const temporality = metrics.AggregationTemporality.CUMULATIVE;
    if (type === 'histogram') {
      const dataPoints = histogramPoints(family, context);
      if (dataPoints.length > 0)
        out.push({
          descriptor,
          aggregationTemporality: temporality,
          dataPointType: metrics.DataPointType.HISTOGRAM,
          dataPoints,
        });
    } else if (type === 'counter') {
      out.push({
        descriptor,
        aggregationTemporality: temporality,
        dataPointType: metrics.DataPointType.SUM,
        isMonotonic: true,
        dataPoints: family.values.map((sample) => {
          const attributes = attributesOf(sample.labels);
          return {
            startTime: context.startOf(seriesKey(family.name, attributes), sample.value),
            endTime: context.now,
            attributes,
            value: sample.value,
          };
        }),
      });
    } else {
      out.push({
        descriptor,
        aggregationTemporality: temporality,
        dataPointType: metrics.DataPointType.GAUGE,
        dataPoints: family.values.map((sample) => ({
          startTime: context.now,
          endTime: context.now,
          attributes: attributesOf(sample.labels),
          value: sample.value,
        })),
      });
    }
  }
  return out;
}

interface HistogramSeries {
  attributes: Attributes;
  buckets: { le: number; cumulative: number }[];
  sum?: number;
  count?: number;
}

function histogramPoints(
  family: PrometheusMetricLike,
  context: MappingContext,
): metrics.DataPoint<metrics.Histogram>[] {
  const series = new Map<string, HistogramSeries>();
  for (const sample of family.values) {
    const { le, ...labels } = sample.labels;
    const attributes = attributesOf(labels);
    const key = seriesKey(family.name, attributes);
    let entry = series.get(key);
    if (entry === undefined) series.set(key, (entry = { attributes, buckets: [] }));
    const suffix = sampleSuffix(family.name, sample);
    if (suffix === '_bucket' && le !== undefined) {
      entry.buckets.push({ le: le === '+Inf' ? Infinity : Number(le), cumulative: sample.value });
    } else if (suffix === '_sum') entry.sum = sample.value;
    else if (suffix === '_count') entry.count = sample.value;
  }
  const points: metrics.DataPoint<metrics.Histogram>[] = [];
  for (const [key, entry] of series) {
    // The specification drops a histogram without `_count`.
    if (entry.count === undefined) continue;
    const finite = entry.buckets.filter((b) => Number.isFinite(b.le)).sort((a, b) => a.le - b.le);
    const counts: number[] = [];
    let below = 0;
    for (const bucket of finite) {
      counts.push(bucket.cumulative - below);
      below = bucket.cumulative;
    }
    counts.push(entry.count - below);
    points.push({
      startTime: context.startOf(key, entry.count),
      endTime: context.now,
      attributes: entry.attributes,
      value: {
        buckets: { boundaries: finite.map((b) => b.le), counts },
        count: entry.count,
        ...(entry.sum === undefined ? {} : { sum: entry.sum }),
      },
    });
  }
  return points;
}

function sampleSuffix(family: string, sample: Sample): string {
  const metricName = sample.metricName ?? family;
  return metricName.startsWith(family) ? metricName.slice(family.length) : '';
}

function attributesOf(labels: Sample['labels']): Attributes {
  const attributes: Attributes = {};
  for (const [key, value] of Object.entries(labels))
    if (value !== undefined) attributes[key] = String(value);
  return attributes;
}

function seriesKey(family: string, attributes: Attributes): string {
  return `${family}${JSON.stringify(Object.entries(attributes).sort(([a], [b]) => (a < b ? -1 : 1)))}`;
}
