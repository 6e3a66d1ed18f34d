import { createNoopMeter, diag, DiagConsoleLogger, DiagLogLevel } from '@opentelemetry/api';
import { logs as logsApi } from '@opentelemetry/api-logs';
import { logs, NodeSDK } from '@opentelemetry/sdk-node';
import { builtInInstrumentations } from './instrumentations.js';
import { registerLoaderHook } from './loader-hook.js';
import { metricReadersFromEnv } from './metric-readers.js';
import type { ResolvedTelemetryOptions } from './options.js';
import { PrometheusBridge } from './prometheus-bridge.js';
import { assertRegistry, type Telemetry } from './telemetry.js';
import { flushFailed, reportSdkErrorsPlainly } from './report.js';

const NOOP_METER_PROVIDER = { getMeter: () => createNoopMeter() };

/** Loaded only when an exporter is configured: starts NodeSDK, which reads every OTEL_* variable. */
export async function startSdk(options: ResolvedTelemetryOptions): Promise<Telemetry> {
  // The SDK reports bad settings (a malformed sampler argument) and failed exports through diag,
  // which is silent unless OTEL_LOG_LEVEL is set: show warnings and errors on stderr by default.
  if ((process.env['OTEL_LOG_LEVEL'] ?? '').trim() === '')
    diag.setLogger(new DiagConsoleLogger(), { logLevel: DiagLogLevel.WARN });
  reportSdkErrorsPlainly();

  const waitForLoaderHook = await registerLoaderHook(options.instrumentations);
  const builtIn = await builtInInstrumentations(options.untracedPaths);
  await waitForLoaderHook();

  const bridge = new PrometheusBridge();
  const metricReaders = await metricReadersFromEnv(bridge);
  const sdk = new NodeSDK({
    instrumentations: [...builtIn, ...options.instrumentations],
    metricReaders,
  });
  sdk.start();
  const logsExported = logsApi.getLoggerProvider() instanceof logs.LoggerProvider;
  const transport = logsExported ? await import('./log-transport.js') : undefined;

  let stopping: Promise<void> | undefined;
  const shutdown = (): Promise<void> => (stopping ??= sdk.shutdown().catch(flushFailed));
  // A process that ends by running out of work flushes what is batched; one that calls
  // process.exit() or dies by a signal must call shutdown() itself.
  process.once('beforeExit', () => {
    if (stopping === undefined)
      shutdown().catch((error: unknown) =>
        diag.error(error instanceof Error ? error.message : String(error)),
      );
  });
  return {
    enabled: true,
    shutdown,
    exportMetrics(registry, exportOptions) {
      assertRegistry(registry);
      if (metricReaders.length === 0) return () => undefined;
      const remove = bridge.add(registry, exportOptions);
      for (const instrumentation of builtIn) instrumentation.setMeterProvider(NOOP_METER_PROVIDER);
      return remove;
    },
    logTransport: (transportOptions) => transport?.createLogTransport(transportOptions),
  };
}
