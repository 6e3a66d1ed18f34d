/**
 * OpenTelemetry tracing, loaded before the app: `node --import ./dist/telemetry.js dist/main.js`.
 *
 * It must run before express, knex, pg and ioredis are imported so their instrumentations can
 * patch them; in an ES module app that also needs the import-in-the-middle loader hook, registered
 * here with node:module `register`. Off — no hook, no SDK loaded at all — unless
 * OTEL_EXPORTER_OTLP_ENDPOINT is set or OTEL_TRACES_EXPORTER=console. main.ts imports the same
 * module instance to register the span flush as a final shutdown hook.
 *
 * The SDK is process-wide by nature (OpenTelemetry's global tracer provider), so this module
 * holds the one handle for the process; nothing else keeps global state.
 */
import { enableCompileCache, register } from 'node:module';

// The first code the process runs: every module loaded after this (the SDK, express, knex, the
// app) is compiled once and read from Node's on-disk cache on later starts (NODE_COMPILE_CACHE, else
// the OS temp directory). Where that is not writable Node just compiles as before.
enableCompileCache();

export type TelemetryExporter = 'otlp' | 'console' | 'off';

export interface Telemetry {
  readonly exporter: TelemetryExporter;
  /** Flushes buffered spans and stops the SDK; a no-op when off. */
  shutdown(): Promise<void>;
}

/** Probe and scrape requests would only add noise to traces. */
const UNTRACED_PATHS = new Set(['/livez', '/readyz', '/startupz', '/healthz', '/metrics']);

export function chooseExporter(env: NodeJS.ProcessEnv): TelemetryExporter {
  const requested = (env['OTEL_TRACES_EXPORTER'] ?? '').trim();
  if (requested === 'console') return 'console';
  if (requested === 'none') return 'off';
  return (env['OTEL_EXPORTER_OTLP_ENDPOINT'] ?? '').trim() === '' ? 'off' : 'otlp';
}

async function start(exporter: Exclude<TelemetryExporter, 'off'>): Promise<Telemetry> {
  // Deprecated on Node 24 in favour of module.registerHooks, but OpenTelemetry's hook is still an
  // asynchronous loader, and the apps must run on Node 22.12 too.
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
  const [sdkNode, traceBase, otlp, http, express, knex, pg, ioredis] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/instrumentation-http'),
    import('@opentelemetry/instrumentation-express'),
    import('@opentelemetry/instrumentation-knex'),
    import('@opentelemetry/instrumentation-pg'),
    import('@opentelemetry/instrumentation-ioredis'),
  ]);
  const ratio = Number(process.env['OTEL_TRACES_SAMPLER_ARG'] ?? '1');
  const spanExporter =
    exporter === 'console' ? new traceBase.ConsoleSpanExporter() : new otlp.OTLPTraceExporter();
  const sdk = new sdkNode.NodeSDK({
    serviceName: process.env['OTEL_SERVICE_NAME']?.trim() || 'api',
    spanProcessors: [new traceBase.BatchSpanProcessor(spanExporter)],
    // Parent-based: a sampled caller's trace is always continued; new traces follow the ratio.
    sampler: new traceBase.ParentBasedSampler({
      root: new traceBase.TraceIdRatioBasedSampler(Number.isFinite(ratio) ? ratio : 1),
    }),
    // Metrics go to Prometheus (@shipshape/metrics) and logs to stdout: only traces are exported.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new http.HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => UNTRACED_PATHS.has((req.url ?? '').split('?')[0] ?? ''),
      }),
      new express.ExpressInstrumentation(),
      new knex.KnexInstrumentation(),
      new pg.PgInstrumentation(),
      new ioredis.IORedisInstrumentation(),
    ],
  });
  sdk.start();
  return { exporter, shutdown: () => sdk.shutdown() };
}

const chosen = chooseExporter(process.env);

/** This process's telemetry: started at import time when configured, else a no-op. */
export const telemetry: Telemetry =
  chosen === 'off' ? { exporter: 'off', shutdown: () => Promise.resolve() } : await start(chosen);
