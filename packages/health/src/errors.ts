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

/** True for errors thrown by this package (also across copies of it, by name and code). */
export function isHealthError(error: unknown): error is HealthError {
  if (error instanceof HealthError) return true;
  if (!(error instanceof Error)) return false;
  const { code } = error as { code?: unknown };
  return error.name === 'HealthError' && typeof code === 'string' && code.startsWith('HEALTH_');
}
