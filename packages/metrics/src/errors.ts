/** Error codes this package produces. */
export type MetricsErrorCode =
  | 'METRICS_INVALID_OPTIONS'
  | 'METRICS_DUPLICATE_NAME'
  | 'METRICS_SCRAPE_FAILED'
  | 'METRICS_COLLECT_TIMEOUT';

/** An error value with a stable `code` and a message that says what to do. */
export class MetricsError extends Error {
  override readonly name = 'MetricsError';
  readonly code: MetricsErrorCode;

  constructor(code: MetricsErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** True for errors thrown by this package (also across copies of it, by name and code). */
export function isMetricsError(error: unknown): error is MetricsError {
  if (error instanceof MetricsError) return true;
  if (!(error instanceof Error)) return false;
  const { code } = error as { code?: unknown };
  return error.name === 'MetricsError' && typeof code === 'string' && code.startsWith('METRICS_');
}
