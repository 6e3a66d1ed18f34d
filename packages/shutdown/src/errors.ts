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
