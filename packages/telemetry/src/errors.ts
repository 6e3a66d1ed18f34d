export type TelemetryErrorCode =
  'TELEMETRY_INVALID_OPTIONS' | 'TELEMETRY_START_FAILED' | 'TELEMETRY_FLUSH_FAILED';

/** What went wrong, where, and what to do; `code` is stable for programs. */
export class TelemetryError extends Error {
  override readonly name = 'TelemetryError';
  readonly code: TelemetryErrorCode;

  constructor(code: TelemetryErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

export function isTelemetryError(error: unknown): error is TelemetryError {
  return error instanceof TelemetryError;
}
