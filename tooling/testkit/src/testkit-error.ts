/** What went wrong in a test helper, as a value: a stable `code` plus a message saying what to do. */
export type TestkitErrorCode =
  | 'TESTKIT_REDIS_START_TIMEOUT'
  | 'TESTKIT_REDIS_EXITED'
  | 'TESTKIT_REDIS_STOP_TIMEOUT'
  | 'TESTKIT_POSTGRES_COMMAND_FAILED'
  | 'TESTKIT_POSTGRES_NOT_FOUND'
  | 'TESTKIT_NETNS_UNAVAILABLE';

export class TestkitError extends Error {
  override readonly name = 'TestkitError';

  constructor(
    readonly code: TestkitErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
