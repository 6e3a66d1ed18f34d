/**
 * OpenTelemetry preload: `node --import ./dist/telemetry.js dist/main.js`.
 *
 * Loaded before the app so the http, knex, pg and ioredis instrumentations can patch those modules
 * as they load. A no-op unless an exporter is configured (see telemetrySettings); the SDK is only
 * imported then, so a worker without tracing starts as fast as one without this file. main.ts
 * imports `telemetry` from here (the same module instance) to flush spans as the last shutdown step.
 */
import { enableCompileCache, register } from 'node:module';
import { telemetrySettings, type TelemetrySettings } from './telemetry-settings.js';

// The first code the process runs: every module loaded after this (the SDK, express, knex, the
// app) is compiled once and read from Node's on-disk cache on later starts (NODE_COMPILE_CACHE, else
// the OS temp directory). Where that is not writable Node just compiles as before.
enableCompileCache();

export interface Telemetry {
  readonly settings: TelemetrySettings;
  readonly enabled: boolean;
  /** Flushes and stops span export; safe to call when disabled or twice. */
  shutdown(): Promise<void>;
}

async function startTelemetry(env: NodeJS.ProcessEnv): Promise<Telemetry> {
  const settings = telemetrySettings(env);
  if (settings.exporter === 'none') {
    return { settings, enabled: false, shutdown: () => Promise.resolve() };
  }
  // ESM modules are only instrumentable through the loader hook, registered before they load.
  // Deprecated on Node 24 in favour of module.registerHooks, but OpenTelemetry's hook is still an
  // asynchronous loader, and the apps must run on Node 22.12 too.
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
  const [sdkNode, otlp, http, ioredis, knex, pg] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/instrumentation-http'),
    import('@opentelemetry/instrumentation-ioredis'),
    import('@opentelemetry/instrumentation-knex'),
    import('@opentelemetry/instrumentation-pg'),
  ]);
  const { NodeSDK, tracing } = sdkNode;
  const sdk = new NodeSDK({
    serviceName: settings.serviceName,
    traceExporter:
      settings.exporter === 'console'
        ? new tracing.ConsoleSpanExporter()
        : new otlp.OTLPTraceExporter(),
    sampler: new tracing.ParentBasedSampler({
      root: new tracing.TraceIdRatioBasedSampler(settings.samplingRatio),
    }),
    instrumentations: [
      new http.HttpInstrumentation(),
      // Only inside a job span: BullMQ's polling would otherwise produce a span per Redis command.
      new knex.KnexInstrumentation({ requireParentSpan: true }),
      new pg.PgInstrumentation({ requireParentSpan: true }),
      new ioredis.IORedisInstrumentation({ requireParentSpan: true }),
    ],
  });
  sdk.start();
  let stopping: Promise<void> | undefined;
  return {
    settings,
    enabled: true,
    shutdown: () => (stopping ??= sdk.shutdown()),
  };
}

export const telemetry: Telemetry = await startTelemetry(process.env);
