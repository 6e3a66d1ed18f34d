import { createRenderContext, fastSeries, publicSeries } from './render-series.js';
import type { Labels } from './types.js';

// prom-client 15 keeps each series of a counter, gauge or histogram in a private `hashMap`. The
// scrape reads it directly (prom-client's own get() copies every series into new objects first)
// and HistogramSeries updates it in place. Both are used only for classes that pass the checks
// below, so a prom-client whose internals moved (its next major replaces `hashMap`), or a subclass
// whose get() reports something else than its state, is read through the public get() instead.

export type LabelValues = Record<string, string | number | undefined>;

export interface ExemplarState {
  labelSet?: LabelValues;
  value?: number | null;
  timestamp?: number;
}

/** One series as prom-client 15 stores it. */
export interface SeriesState {
  labels: LabelValues;
  value?: number;
  exemplar?: ExemplarState | null;
  sum?: number;
  count?: number;
  bucketValues?: Record<string, number>;
  bucketExemplars?: Record<string, ExemplarState | null>;
}

/** One sample as a prom-client metric's public `get()` returns it. */
export interface PublicValue {
  labels?: LabelValues;
  value: number;
  metricName?: string;
  exemplar?: ExemplarState | null;
}

/** The parts of a prom-client metric object this package reads (most are not in its typings). */
export interface MetricInternals {
  name: string;
  help: string;
  type: string;
  hashMap?: Record<string, SeriesState | undefined>;
  upperBounds?: readonly number[];
  sortedLabelNames?: readonly string[];
  enableExemplars?: boolean;
  collect?: () => unknown;
  get(): Promise<{ values?: PublicValue[] }>;
}

/** Whether a fast path may be used for a class, and if not, why. */
export type Verdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

type FastType = 'counter' | 'gauge' | 'histogram';
type Probe = MetricInternals & Record<string, (...args: unknown[]) => unknown>;
type MetricClass = new (config: Record<string, unknown>) => Probe;

const PROBE_LABELS = { probe: 'a' };
const PROBE_BOUNDS = [0.5, 1];
const readVerdicts = new WeakMap<object, Promise<Verdict>>();
const writeVerdicts = new WeakMap<object, Verdict>();

const isFastType = (type: string): type is FastType =>
  type === 'counter' || type === 'gauge' || type === 'histogram';

/**
 * Whether `metric`'s series may be read from its private state. Undefined for types that are
 * always read through get() (summaries, custom metrics). Checked once per class: a probe instance
 * is filled through the public API and the fast renderer's output must equal the public one's.
 */
export function checkReadPath(metric: MetricInternals): Promise<Verdict> | undefined {
  if (!isFastType(metric.type)) return undefined;
  const ctor = (metric as { constructor?: unknown }).constructor;
  if (typeof ctor !== 'function') return Promise.resolve(refuse('it has no class to check'));
  const type = metric.type;
  let verdict = readVerdicts.get(ctor);
  if (verdict === undefined) {
    verdict = probeReadPath(ctor as MetricClass, type).catch((error: unknown) =>
      refuse(`probing it threw: ${String(error)}`),
    );
    readVerdicts.set(ctor, verdict);
  }
  return verdict;
}

/** Whether HistogramSeries may update series of this histogram class in place. Checked once. */
export function checkWritePath(ctor: unknown): Verdict {
  if (typeof ctor !== 'function') return refuse('it has no class to check');
  let verdict = writeVerdicts.get(ctor);
  if (verdict === undefined) {
    try {
      verdict = probeWritePath(ctor as MetricClass);
    } catch (error) {
      verdict = refuse(`probing it threw: ${String(error)}`);
    }
    writeVerdicts.set(ctor, verdict);
  }
  return verdict;
}

/** prom-client's series key: `name:value,` for each label, in sorted name order. */
export function promHash(labels: Labels, sortedLabelNames: readonly string[]): string {
  let hash = '';
  for (const name of sortedLabelNames) {
    const value = labels[name];
    if (value !== undefined) hash += `${name}:${String(value)},`;
  }
  return hash;
}

/** What prom-client's Histogram#observe does to an existing series, minus validation and hashing. */
export function observeInPlace(
  series: SeriesState,
  upperBounds: readonly number[],
  bucketKeys: readonly string[],
  value: number,
): void {
  series.sum = (series.sum ?? 0) + value;
  series.count = (series.count ?? 0) + 1;
  const buckets = series.bucketValues ?? {};
  for (let i = 0; i < upperBounds.length; i++) {
    if (value <= (upperBounds[i] ?? 0)) {
      const key = bucketKeys[i] ?? '';
      buckets[key] = (buckets[key] ?? 0) + 1;
      return;
    }
  }
}

function refuse(reason: string): Verdict {
  return { ok: false, reason };
}

function newProbe(ctor: MetricClass, type: FastType, exemplars: boolean): Probe {
  return new ctor({
    name: 'shipshape_fast_path_probe',
    help: 'Probe of prom-client internals.',
    labelNames: Object.keys(PROBE_LABELS),
    registers: [],
    enableExemplars: exemplars,
    ...(type === 'histogram' ? { buckets: PROBE_BOUNDS } : {}),
  });
}

async function probeReadPath(ctor: MetricClass, type: FastType): Promise<Verdict> {
  const probe = newProbe(ctor, type, true);
  const exemplarLabels = { trace_id: '0af7651916cd43dd8448eb211c80319c' };
  if (type === 'counter') {
    probe['inc']?.({ labels: PROBE_LABELS, value: 2, exemplarLabels });
    probe['inc']?.({ probe: 'b' }, 1.5);
  } else if (type === 'gauge') {
    probe['set']?.(PROBE_LABELS, 3.25);
    probe['set']?.({ probe: 'b' }, Number.NaN);
  } else {
    for (const value of [0.25, 0.75, 2])
      probe['observe']?.({ labels: PROBE_LABELS, value, exemplarLabels });
    probe['observe']?.({ labels: { probe: 'b' }, value: 0.5, exemplarLabels: {} });
  }
  if (typeof probe.hashMap !== 'object') return refuse('it keeps no `hashMap` of series');
  if (type === 'histogram' && !Array.isArray(probe.upperBounds))
    return refuse('it keeps no `upperBounds` array');
  const { values } = await probe.get();
  for (const format of ['prometheus', 'openmetrics'] as const) {
    const ctx = createRenderContext(format, { service: 'probe' });
    const fast = [...fastSeries(probe, ctx)].join('');
    const expected = [...publicSeries(probe, values ?? [], ctx)].join('');
    if (fast !== expected || expected === '') {
      return refuse(
        `its private state reads differently from its get() (${format}: ${JSON.stringify(fast)} ≠ ${JSON.stringify(expected)})`,
      );
    }
  }
  return { ok: true };
}

function probeWritePath(ctor: MetricClass): Verdict {
  const inPlace = newProbe(ctor, 'histogram', false);
  const reference = newProbe(ctor, 'histogram', false);
  const { upperBounds, sortedLabelNames } = inPlace;
  if (!Array.isArray(upperBounds) || !Array.isArray(sortedLabelNames))
    return refuse('it keeps no `upperBounds` or `sortedLabelNames` array');
  const bucketKeys = upperBounds.map(String);
  inPlace['observe']?.(PROBE_LABELS, 0.25);
  reference['observe']?.(PROBE_LABELS, 0.25);
  const series = inPlace.hashMap?.[promHash(PROBE_LABELS, sortedLabelNames)];
  if (series === undefined)
    return refuse('its `hashMap` is not keyed the way prom-client 15 keys it');
  for (const value of [0.75, 5, 0.5]) {
    observeInPlace(series, upperBounds, bucketKeys, value);
    reference['observe']?.(PROBE_LABELS, value);
  }
  const state = (probe: Probe) => JSON.stringify(Object.values(probe.hashMap ?? {}));
  if (state(inPlace) !== state(reference))
    return refuse(
      `an in-place update differs from observe(): ${state(inPlace)} ≠ ${state(reference)}`,
    );
  return { ok: true };
}
