/**
 * OpenTelemetry preload: `node --import ./dist/telemetry.js dist/main.js`.
 *
 * Loaded before the app so the http, knex, pg and ioredis instrumentations can patch those modules
 * as they load. A no-op unless an exporter is configured (see telemetrySettings). main.ts imports
 * `telemetry` from here (the same module instance) to flush spans as the final shutdown step.
 */
import { register } from 'node:module';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { KnexInstrumentation } from '@opentelemetry/instrumentation-knex';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { NodeSDK, tracing } from '@opentelemetry/sdk-node';
import { telemetrySettings, type TelemetrySettings } from './telemetry-settings.js';

export interface Telemetry {
  readonly settings: TelemetrySettings;
  readonly enabled: boolean;
  /** Flushes and stops span export; safe to call when disabled or twice. */
  shutdown(): Promise<void>;
}

function startTelemetry(env: NodeJS.ProcessEnv): Telemetry {
  const settings = telemetrySettings(env);
  if (settings.exporter === 'none') {
    return { settings, enabled: false, shutdown: () => Promise.resolve() };
  }
  // ESM modules are only instrumentable through the loader hook.
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
  const sdk = new NodeSDK({
    serviceName: settings.serviceName,
    traceExporter:
      settings.exporter === 'console' ? new tracing.ConsoleSpanExporter() : new OTLPTraceExporter(),
    sampler: new tracing.ParentBasedSampler({
      root: new tracing.TraceIdRatioBasedSampler(settings.samplingRatio),
    }),
    instrumentations: [
      new HttpInstrumentation(),
      // Only inside a job span: BullMQ's polling would otherwise produce a span per Redis command.
      new KnexInstrumentation({ requireParentSpan: true }),
      new PgInstrumentation({ requireParentSpan: true }),
      new IORedisInstrumentation({ requireParentSpan: true }),
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

export const telemetry: Telemetry = startTelemetry(process.env);
