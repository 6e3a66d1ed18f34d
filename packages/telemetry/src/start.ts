import { exporterConfigured } from './configured.js';
import { TelemetryError } from './errors.js';
import { resolveOptions, type TelemetryOptions } from './options.js';
import { disabledTelemetry, type Telemetry } from './telemetry.js';

/**
 * OpenTelemetry's providers, propagator and loader hooks are process-wide, so a second SDK would
 * fight the first: the process keeps one telemetry, shared even by two copies of this package.
 */
const RUNNING: unique symbol = Symbol.for('@shipshape/telemetry');
const processState = globalThis as { [RUNNING]?: Promise<Telemetry> };

/**
 * Starts the OpenTelemetry Node SDK when an exporter is configured (`OTEL_*` variables), else
 * returns a stand-in that loads nothing. Call it before the modules it instruments are imported
 * (`node --import @shipshape/telemetry/register` does). Later calls return the same telemetry.
 */
export async function startTelemetry(options: TelemetryOptions = {}): Promise<Telemetry> {
  const resolved = resolveOptions(options);
  const running = processState[RUNNING];
  if (running !== undefined) return running;
  const started = exporterConfigured(process.env)
    ? import('./sdk.js').then(
        (sdk) => sdk.startSdk(resolved),
        (error: unknown) => {
          throw new TelemetryError(
            'TELEMETRY_START_FAILED',
            `startTelemetry: the OpenTelemetry SDK could not be loaded (${error instanceof Error ? error.message : String(error)}); reinstall @shipshape/telemetry's dependencies, or unset the OTEL_* exporter variables to run without telemetry.`,
            { cause: error },
          );
        },
      )
    : Promise.resolve(disabledTelemetry());
  processState[RUNNING] = started;
  return started;
}
