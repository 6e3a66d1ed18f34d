export type HealthErrorCode =
  'HEALTH_INVALID_OPTION' | 'HEALTH_DUPLICATE_CHECK' | 'HEALTH_INVALID_CHECK';

/** Every error this package creates: a stable `code` plus a message that says what to do. */
export class HealthError extends Error {
  override readonly name = 'HealthError';
  readonly code: HealthErrorCode;

  constructor(code: HealthErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
