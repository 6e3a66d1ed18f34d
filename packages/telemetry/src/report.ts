import { diag } from '@opentelemetry/api';
import { core } from '@opentelemetry/sdk-node';
import { TelemetryError } from './errors.js';

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET']);

function collector(): string {
  const endpoint = process.env['OTEL_EXPORTER_OTLP_ENDPOINT']?.trim();
  return `the OpenTelemetry collector at ${endpoint || 'http://localhost:4318 (the default)'} (OTEL_EXPORTER_OTLP_ENDPOINT)`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Export failures and other asynchronous SDK errors reach OpenTelemetry's global error handler,
 * which by default prints the error as a JSON dump; this prints one line that says what to check.
 */
export function reportSdkErrorsPlainly(): void {
  core.setGlobalErrorHandler((error) => {
    const code = (error as { code?: unknown } | undefined)?.code;
    diag.error(
      typeof code === 'string' && UNREACHABLE.has(code)
        ? `@shipshape/telemetry: export failed (${messageOf(error)}); check that ${collector()} is reachable. Telemetry keeps retrying; the app is not affected.`
        : `@shipshape/telemetry: ${messageOf(error)}`,
    );
  });
}

export function flushFailed(error: unknown): never {
  throw new TelemetryError(
    'TELEMETRY_FLUSH_FAILED',
    `telemetry: the last export before shutdown failed (${messageOf(error)}); spans, log records and metrics recorded since the previous export are lost. Check that ${collector()} is reachable.`,
    { cause: error },
  );
}
