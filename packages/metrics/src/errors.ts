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
