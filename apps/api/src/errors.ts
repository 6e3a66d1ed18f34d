export type Dependency = 'database' | 'redis';

/**
 * A dependency the request needs is not reachable right now. The HTTP layer answers 503 with
 * Retry-After; the cause is logged, never sent to the client.
 */
export class DependencyUnavailableError extends Error {
  readonly code = 'DEPENDENCY_UNAVAILABLE';
  override readonly name = 'DependencyUnavailableError';
  readonly dependency: Dependency;

  constructor(dependency: Dependency, what: string, options?: { cause?: unknown }) {
    super(
      `${dependency === 'database' ? 'The database' : 'Redis'} is unavailable while ${what}; ` +
        `check that it is running and reachable from this instance (readiness reports it too).`,
      options,
    );
    this.dependency = dependency;
  }
}

/** Network errors and PostgreSQL SQLSTATEs that mean "could not talk to the server", not "bad query". */
const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up / shutting down)
  '53300', // too_many_connections
  '3D000', // invalid_catalog_name: the database was dropped or renamed
  '57P04', // database_dropped
  '28000', // invalid_authorization_specification (e.g. the role was removed)
  '28P01', // invalid_password (a rotated secret not yet rolled out)
  'SQLITE_BUSY', // another process held the write lock past busy_timeout
  'SQLITE_CANTOPEN',
]);

const CONNECTION_MESSAGES = [
  'Connection terminated',
  'Connection ended unexpectedly',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Knex: Timeout acquiring a connection',
  'the database system is',
];

export function isDatabaseConnectionError(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth += 1) {
    if (current.name === 'KnexTimeoutError') return true;
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (CONNECTION_ERROR_CODES.has(code) || code.startsWith('08')))
      return true;
    if (
      CONNECTION_MESSAGES.some(
        (fragment) => current instanceof Error && current.message.includes(fragment),
      )
    ) {
      return true;
    }
    const nested = (current as { errors?: unknown }).errors;
    if (Array.isArray(nested) && nested.some((inner) => isDatabaseConnectionError(inner)))
      return true;
    current = current.cause;
  }
  return false;
}

/** Runs a database call; connection failures become {@link DependencyUnavailableError}. */
export async function withDatabase<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (isDatabaseConnectionError(error))
      throw new DependencyUnavailableError('database', what, { cause: error });
    throw error;
  }
}
