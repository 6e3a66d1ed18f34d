import { diag, type HrTime } from '@opentelemetry/api';
import { core, resources, type metrics } from '@opentelemetry/sdk-node';
import { toMetricData } from './prometheus-mapping.js';
import type { ExportMetricsOptions, MetricsRegistryLike } from './telemetry.js';

const SCOPE = { name: '@shipshape/telemetry' } as const;

interface Source {
  readonly registry: MetricsRegistryLike;
  readonly stripSuffixes: boolean;
}

interface Start {
  readonly time: HrTime;
  readonly total: number;
}

/**
 * A MetricProducer that reads prom-client registries at each metric export, so the series that
 * `/metrics` serves also go out over OTLP without being recorded twice. Cumulative series get the
 * time they were first seen as start time, and a new one when their total goes down (a reset).
 */
export class PrometheusBridge implements metrics.MetricProducer {
  readonly #sources = new Set<Source>();
  #starts = new Map<string, Start>();
  readonly #warned = new Set<string>();

  get size(): number {
    return this.#sources.size;
  }

  add(registry: MetricsRegistryLike, options: ExportMetricsOptions = {}): () => void {
    const source = { registry, stripSuffixes: options.stripSuffixes === true };
    this.#sources.add(source);
    return () => this.#sources.delete(source);
  }

  async collect(): Promise<metrics.CollectionResult> {
    const now = core.millisToHrTime(Date.now());
    const previous = this.#starts;
    const next = new Map<string, Start>();
    const errors: unknown[] = [];
    const data: metrics.MetricData[] = [];
    const results = await Promise.allSettled(
      [...this.#sources].map(async (source) => ({
        source,
        families: await source.registry.getMetricsAsJSON(),
      })),
    );
    for (const result of results) {
      if (result.status === 'rejected') {
        errors.push(result.reason);
        continue;
      }
      const { source, families } = result.value;
      data.push(
        ...toMetricData(families, {
          now,
          stripSuffixes: source.stripSuffixes,
          startOf(key, total) {
            const seen = previous.get(key);
            const start = seen !== undefined && total >= seen.total ? seen.time : now;
            next.set(key, { time: start, total });
            return start;
          },
          onDropped: (family, reason) => this.#warnOnce(family, reason),
        }),
      );
    }
    this.#starts = next;
    return {
      resourceMetrics: {
        resource: resources.emptyResource(),
        scopeMetrics: data.length === 0 ? [] : [{ scope: SCOPE, metrics: data }],
      },
      errors,
    };
  }

  #warnOnce(family: string, reason: string): void {
    if (this.#warned.has(family)) return;
    this.#warned.add(family);
    diag.warn(`@shipshape/telemetry: metric ${family} is not exported over OTLP: ${reason}.`);
  }
}
