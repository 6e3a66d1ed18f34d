import { Gauge, Registry } from 'prom-client';
import { QueueCollector } from './bullmq-queue.js';
import type { QueueLike } from './bullmq-queue.js';
import { WorkerCollector } from './bullmq-worker.js';
import type { WorkerLike } from './bullmq-worker.js';
import { registerDefaultMetrics } from './default-metrics.js';
import type { ExpositionFormat } from './format.js';
import { CONTENT_TYPES } from './format.js';
import { createMetricsHandler } from './handler.js';
import type { MetricsHandler } from './handler.js';
import { observeHealth } from './health-bridge.js';
import { createHttpMiddleware } from './http-middleware.js';
import type { HttpMiddleware, HttpMiddlewareOptions } from './http-middleware.js';
import { InstrumentFactory } from './instruments.js';
import type {
  GuardedCounter,
  GuardedGauge,
  GuardedHistogram,
  HistogramConfig,
  InstrumentConfig,
} from './instruments.js';
import { KnexCollector } from './knex.js';
import type { KnexLike } from './knex.js';
import { resolveOptions } from './options.js';
import type { MetricsOptions } from './options.js';
import { serializeRegistry } from './serialize.js';
import type { PublicPathFamily } from './serialize.js';
import { observeShutdown } from './shutdown-bridge.js';
import type { EventSourceLike, Teardown } from './types.js';

/** What `createMetrics` returns. */
export interface Metrics {
  readonly registry: Registry;
  /** node:http handler for `/metrics` (text 0.0.4, or OpenMetrics 1.0 when the Accept header asks). */
  readonly handler: MetricsHandler;
  /** Renders the registry as a string, yielding to the event loop between slices (as `handler`). */
  scrape(format?: ExpositionFormat): Promise<string>;
  /** Content-Type header value for a format. */
  contentType(format?: ExpositionFormat): string;
  httpMiddleware(options?: HttpMiddlewareOptions): HttpMiddleware;
  instrumentKnex(db: KnexLike): Teardown;
  instrumentQueue(queue: QueueLike): Teardown;
  instrumentWorker(worker: WorkerLike): Teardown;
  observeHealth(health: EventSourceLike): Teardown;
  observeShutdown(shutdown: EventSourceLike): Teardown;
  counter(config: InstrumentConfig): GuardedCounter;
  gauge(config: InstrumentConfig): GuardedGauge;
  histogram(config: HistogramConfig): GuardedHistogram;
  /** Detaches every listener and collector and removes the Node.js default metrics. */
  stop(): void;
}

/** Creates a metrics set on its own registry with `service`/`version` on every series. */
export function createMetrics(options: MetricsOptions): Metrics {
  const resolved = resolveOptions(options);
  const registry = resolved.registry ?? new Registry();
  const existingDefaults =
    (registry as unknown as { _defaultLabels?: Record<string, string> })._defaultLabels ?? {};
  const defaultLabels = {
    ...existingDefaults,
    service: resolved.service,
    version: resolved.version,
  };
  registry.setDefaultLabels(defaultLabels);

  const factory = new InstrumentFactory(registry, resolved.seriesLimit);
  const defaultNames = resolved.defaultMetrics ? registerDefaultMetrics(registry) : [];
  const buildInfo = new Gauge({
    name: 'build_info',
    help: 'Always 1; labels say which build is running.',
    labelNames: ['version', 'commit', 'node_version'],
    registers: [registry],
  });
  buildInfo.set(
    { version: resolved.version, commit: resolved.commit, node_version: process.version },
    1,
  );

  const teardowns: Teardown[] = [];
  const track = (teardown: Teardown): Teardown => {
    teardowns.push(teardown);
    return teardown;
  };
  let knex: KnexCollector | undefined;
  let queues: QueueCollector | undefined;
  let workers: WorkerCollector | undefined;

  let publicPathReported = false;
  const reportPublicPath = (families: readonly PublicPathFamily[]): void => {
    if (publicPathReported) return;
    publicPathReported = true;
    resolved.logger?.warn(
      `metrics: ${families.length} famil${families.length === 1 ? 'y is' : 'ies are'} read through prom-client's public get(), which copies every series at once (slower scrapes, longer event-loop blocks): ${families.map((family) => `${family.name} (${family.reason})`).join('; ')}. Use the prom-client version this package pins, or expose these families with prom-client's own classes; this is reported once.`,
      { metrics: families.map((family) => family.name) },
    );
  };
  const serialize = (
    format: ExpositionFormat,
    write: (chunk: string) => void,
    pause?: () => Promise<void> | 'stop' | undefined,
  ): Promise<void> =>
    serializeRegistry(registry, {
      format,
      defaultLabels,
      sliceBudgetMs: resolved.scrapeSliceMs,
      fastPath: resolved.scrapeFastPath,
      write,
      onPublicPath: reportPublicPath,
      logger: resolved.logger,
      ...(pause === undefined ? {} : { pause }),
    });

  return {
    registry,
    handler: createMetricsHandler(serialize, resolved.logger),
    async scrape(format = 'prometheus') {
      // Each slice is encoded as it arrives so the end costs one copy, not flattening a huge rope.
      const chunks: Buffer[] = [];
      await serialize(format, (chunk) => chunks.push(Buffer.from(chunk, 'utf8')));
      return Buffer.concat(chunks).toString('utf8');
    },
    contentType: (format = 'prometheus') => CONTENT_TYPES[format],
    httpMiddleware: (middlewareOptions) => createHttpMiddleware(factory, middlewareOptions),
    instrumentKnex(db) {
      knex ??= new KnexCollector(factory);
      return track(knex.instrument(db));
    },
    instrumentQueue(queue) {
      queues ??= new QueueCollector(factory, resolved.queueTimeoutMs, resolved.logger);
      return track(queues.add(queue));
    },
    instrumentWorker(worker) {
      workers ??= new WorkerCollector(factory);
      return track(workers.instrument(worker));
    },
    observeHealth: (health) => track(observeHealth(factory, health)),
    observeShutdown: (shutdown) => track(observeShutdown(factory, shutdown)),
    counter: (config) => factory.counter(config),
    gauge: (config) => factory.gauge(config),
    histogram: (config) => factory.histogram(config),
    stop() {
      for (const teardown of teardowns.splice(0)) teardown();
      for (const name of defaultNames.splice(0)) registry.removeSingleMetric(name);
    },
  };
}
