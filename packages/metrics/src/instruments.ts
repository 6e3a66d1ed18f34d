import { Counter, Gauge, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';
import { MetricsError } from './errors.js';
import { sampledTraceId } from './exemplar.js';
import { CardinalityGuard } from './guard.js';
import type { Labels } from './types.js';

/** Configuration shared by the guarded instruments (prom-client's, minus `registers`). */
export interface InstrumentConfig {
  name: string;
  help: string;
  labelNames?: readonly string[];
  /** Per-metric series cap; defaults to the `seriesLimit` given to createMetrics. */
  seriesLimit?: number;
  /** Called at scrape time, before the series are read (prom-client's `collect`). */
  collect?: () => void | Promise<void>;
}

export interface HistogramConfig extends InstrumentConfig {
  /** Bucket upper bounds in the metric's unit; default prom-client's (seconds-oriented). */
  buckets?: readonly number[];
  /** Attach `trace_id` exemplars from the active sampled span (OpenMetrics only). Default true. */
  exemplars?: boolean;
}

type AnyMetric = Counter | Gauge | Histogram;

/** A counter whose label sets are bounded by the series cap, as `metrics.counter()` returns it. */
export interface GuardedCounter {
  /** The underlying prom-client metric (registered in the metrics registry). */
  readonly metric: Counter;
  /** The metric name as registered. */
  readonly name: string;
  inc(labels?: Labels | number, value?: number): void;
  /** Removes one series and frees its slot under the series cap. */
  remove(labels: Labels): void;
  /** Removes every series. */
  reset(): void;
}

/** A gauge whose label sets are bounded by the series cap, as `metrics.gauge()` returns it. */
export interface GuardedGauge {
  /** The underlying prom-client metric (registered in the metrics registry). */
  readonly metric: Gauge;
  /** The metric name as registered. */
  readonly name: string;
  set(labels: Labels | number, value?: number): void;
  inc(labels?: Labels | number, value?: number): void;
  dec(labels?: Labels | number, value?: number): void;
  /** Removes one series and frees its slot under the series cap. */
  remove(labels: Labels): void;
  /** Removes every series. */
  reset(): void;
}

/**
 * A histogram whose label sets are bounded by the series cap, as `metrics.histogram()` returns it;
 * observations carry `trace_id` exemplars when enabled.
 */
export interface GuardedHistogram {
  /** The underlying prom-client metric (registered in the metrics registry). */
  readonly metric: Histogram;
  /** The metric name as registered. */
  readonly name: string;
  observe(labels: Labels | number, value?: number): void;
  /** Observes with an explicit trace id (captured earlier, e.g. at request start). */
  observeWithTrace(labels: Labels, value: number, traceId: string | undefined): void;
  /** Starts a timer; the returned function observes the elapsed seconds and returns them. */
  startTimer(labels?: Labels): (more?: Labels) => number;
  /** Removes one series and frees its slot under the series cap. */
  remove(labels: Labels): void;
  /** Removes every series. */
  reset(): void;
}

function splitArgs(
  a: Labels | number | undefined,
  b: number | undefined,
  fallback: number,
): [Labels, number] {
  return typeof a === 'number' ? [{}, a] : [a ?? {}, b ?? fallback];
}

abstract class Guarded<M extends AnyMetric> {
  /** The underlying prom-client metric (registered in the metrics registry). */
  readonly metric: M;
  /** The metric name as registered. */
  readonly name: string;
  protected readonly guard: CardinalityGuard;

  constructor(name: string, metric: M, guard: CardinalityGuard) {
    this.name = name;
    this.metric = metric;
    this.guard = guard;
  }

  /** Removes one series and frees its slot under the series cap. */
  remove(labels: Labels): void {
    this.metric.remove(labels);
    this.guard.forget(labels);
  }

  /** Removes every series. */
  reset(): void {
    this.metric.reset();
    this.guard.clear();
  }
}

/** A counter whose label sets are bounded by the cardinality guard. */
export class CounterInstrument extends Guarded<Counter> implements GuardedCounter {
  inc(labels?: Labels | number, value?: number): void {
    const [raw, amount] = splitArgs(labels, value, 1);
    this.metric.inc(this.guard.admit(raw), amount);
  }
}

/** A gauge whose label sets are bounded by the cardinality guard. */
export class GaugeInstrument extends Guarded<Gauge> implements GuardedGauge {
  set(labels: Labels | number, value?: number): void {
    const [raw, amount] = splitArgs(labels, value, 0);
    this.metric.set(this.guard.admit(raw), amount);
  }

  inc(labels?: Labels | number, value?: number): void {
    const [raw, amount] = splitArgs(labels, value, 1);
    this.metric.inc(this.guard.admit(raw), amount);
  }

  dec(labels?: Labels | number, value?: number): void {
    const [raw, amount] = splitArgs(labels, value, 1);
    this.metric.dec(this.guard.admit(raw), amount);
  }
}

/** A histogram bounded by the cardinality guard; observations carry trace exemplars when enabled. */
export class HistogramInstrument extends Guarded<Histogram> implements GuardedHistogram {
  readonly #exemplars: boolean;

  constructor(name: string, metric: Histogram, guard: CardinalityGuard, exemplars: boolean) {
    super(name, metric, guard);
    this.#exemplars = exemplars;
  }

  observe(labels: Labels | number, value?: number): void {
    const [raw, amount] = splitArgs(labels, value, 0);
    this.observeWithTrace(raw, amount, this.#exemplars ? sampledTraceId() : undefined);
  }

  /** Observes with an explicit trace id (captured earlier, e.g. at request start). */
  observeWithTrace(labels: Labels, value: number, traceId: string | undefined): void {
    const admitted = this.guard.admit(labels);
    if (this.#exemplars) {
      this.metric.observe({
        labels: admitted,
        value,
        exemplarLabels: traceId === undefined ? {} : { trace_id: traceId },
      });
    } else {
      this.metric.observe(admitted, value);
    }
  }

  /** Starts a timer; the returned function observes the elapsed seconds and returns them. */
  startTimer(labels: Labels = {}): (more?: Labels) => number {
    const start = performance.now();
    return (more?: Labels) => {
      const seconds = (performance.now() - start) / 1000;
      this.observe(more === undefined ? labels : { ...labels, ...more }, seconds);
      return seconds;
    };
  }
}

export type GuardedInstrument = CounterInstrument | GaugeInstrument | HistogramInstrument;

/** Creates guarded instruments in one registry, returning the existing one for a repeated name. */
export class InstrumentFactory {
  readonly #registry: Registry;
  readonly #seriesLimit: number;
  readonly #byName = new Map<string, GuardedInstrument>();
  readonly #overflow: Counter;

  constructor(registry: Registry, seriesLimit: number) {
    this.#registry = registry;
    this.#seriesLimit = seriesLimit;
    this.#overflow = new Counter({
      name: 'metrics_series_overflow_total',
      help: 'Observations folded into the overflow series because a metric reached its series limit.',
      labelNames: ['metric'],
      registers: [],
    });
    this.#register(this.#overflow, 'metrics_series_overflow_total');
  }

  counter(config: InstrumentConfig): CounterInstrument {
    const existing = this.#existing(config.name, CounterInstrument);
    if (existing) return existing;
    const metric = new Counter({ ...this.#base(config), registers: [] });
    return this.#keep(new CounterInstrument(config.name, metric, this.#guard(config)));
  }

  gauge(config: InstrumentConfig): GaugeInstrument {
    const existing = this.#existing(config.name, GaugeInstrument);
    if (existing) return existing;
    const metric = new Gauge({ ...this.#base(config), registers: [] });
    return this.#keep(new GaugeInstrument(config.name, metric, this.#guard(config)));
  }

  histogram(config: HistogramConfig): HistogramInstrument {
    const existing = this.#existing(config.name, HistogramInstrument);
    if (existing) return existing;
    const exemplars = config.exemplars ?? true;
    const metric = new Histogram({
      ...this.#base(config),
      ...(config.buckets === undefined ? {} : { buckets: [...config.buckets] }),
      // Registered by hand below: prom-client refuses exemplars on a text-format registry,
      // but our own serialiser only writes them in OpenMetrics output.
      enableExemplars: exemplars,
      registers: [],
    });
    return this.#keep(new HistogramInstrument(config.name, metric, this.#guard(config), exemplars));
  }

  #base(config: InstrumentConfig): {
    name: string;
    help: string;
    labelNames: string[];
    collect?: () => void | Promise<void>;
  } {
    return {
      name: config.name,
      help: config.help,
      labelNames: [...(config.labelNames ?? [])],
      ...(config.collect === undefined ? {} : { collect: config.collect }),
    };
  }

  #guard(config: InstrumentConfig): CardinalityGuard {
    const name = config.name;
    return new CardinalityGuard(
      config.labelNames ?? [],
      config.seriesLimit ?? this.#seriesLimit,
      () => {
        this.#overflow.inc({ metric: name });
      },
    );
  }

  #existing<T extends GuardedInstrument>(
    name: string,
    kind: abstract new (...args: never[]) => T,
  ): T | undefined {
    const existing = this.#byName.get(name);
    if (existing === undefined) return undefined;
    if (existing instanceof kind) return existing;
    throw new MetricsError(
      'METRICS_DUPLICATE_NAME',
      `metric "${name}" is already registered as a different type; pick another name or reuse the existing instrument`,
    );
  }

  #keep<T extends GuardedInstrument>(instrument: T): T {
    this.#register(instrument.metric, instrument.name);
    this.#byName.set(instrument.name, instrument);
    return instrument;
  }

  #register(metric: AnyMetric, name: string): void {
    try {
      this.#registry.registerMetric(metric);
    } catch (error) {
      throw new MetricsError(
        'METRICS_DUPLICATE_NAME',
        `metric "${name}" already exists in the registry (registered outside @shipshape/metrics); remove it or pass a fresh registry`,
        { cause: error },
      );
    }
  }

  /** Unregisters every instrument this factory created. */
  unregisterAll(): void {
    for (const name of this.#byName.keys()) this.#registry.removeSingleMetric(name);
    this.#registry.removeSingleMetric('metrics_series_overflow_total');
    this.#byName.clear();
  }
}
