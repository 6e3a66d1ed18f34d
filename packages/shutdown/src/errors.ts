/** Raised by `createShutdown` when its options cannot produce a safe shutdown. */
export class ShutdownConfigError extends Error {
  readonly code = 'SHUTDOWN_CONFIG_INVALID';
  /** The option that is wrong. */
  readonly option: string;

  constructor(option: string, message: string) {
    super(`@shipshape/shutdown: invalid option "${option}": ${message}`);
    this.name = 'ShutdownConfigError';
    this.option = option;
  }
}

/** True for the errors `createShutdown` throws (also across copies of this package, by name and code). */
export function isShutdownConfigError(error: unknown): error is ShutdownConfigError {
  if (error instanceof ShutdownConfigError) return true;
  if (!(error instanceof Error)) return false;
  const { code } = error as { code?: unknown };
  return error.name === 'ShutdownConfigError' && code === 'SHUTDOWN_CONFIG_INVALID';
}
