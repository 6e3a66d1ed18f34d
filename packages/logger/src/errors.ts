/** Machine-readable codes of every error this package throws. */
export type LoggerErrorCode =
  | 'LOGGER_INVALID_LEVEL'
  | 'LOGGER_INVALID_OPTIONS'
  | 'LOGGER_DESTINATION_FAILED'
  | 'LOGGER_CLOSED'
  | 'LOGGER_LIMIT_EXCEEDED';

/** An error with a stable `code` and a message that says what failed and what to do. */
export class LoggerError extends Error {
  readonly code: LoggerErrorCode;

  constructor(code: LoggerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LoggerError';
    this.code = code;
  }
}

/**
 * Whether `error` is a LoggerError, also one thrown by another copy of this package (two versions
 * installed side by side), where `instanceof` says no.
 */
export function isLoggerError(error: unknown): error is LoggerError {
  if (error instanceof LoggerError) return true;
  if (!(error instanceof Error)) return false;
  const { code } = error as { code?: unknown };
  return error.name === 'LoggerError' && typeof code === 'string' && code.startsWith('LOGGER_');
}
