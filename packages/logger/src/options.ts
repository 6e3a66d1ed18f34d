import type { Destination } from './destination.js';
import { FileDestination } from './file-destination.js';
import { streamDestination } from './stream-destination.js';
import { LoggerError } from './errors.js';
import { assertLevel, type Level } from './levels.js';

/** Output format: one JSON object per line, or coloured text for a developer's terminal. */
export type LogFormat = 'json' | 'pretty';

/** Options of `createLogger`. Only `service` is required. */
export interface LoggerOptions {
  /** Name of the service, written on every line. */
  readonly service: string;
  /** Version of the service, written on every line. */
  readonly version?: string | undefined;
  /** Lowest level written. */
  readonly level?: Level | undefined;
  readonly format?: LogFormat | undefined;
  /** A writable stream (stdout by default) or `{ path }` of a file opened for append. */
  readonly destination?: NodeJS.WritableStream | { readonly path: string } | undefined;
  /** Extra keys to redact, added to the default deny-list. */
  readonly redact?: readonly string[] | undefined;
  /** Fields written on every line of this logger and its children. */
  readonly fields?: Readonly<Record<string, unknown>> | undefined;
}

/** Every default, written once. `destination: 'stdout'` means `process.stdout`. */
export const DEFAULTS = {
  version: 'unknown',
  level: 'info',
  format: 'json',
  destination: 'stdout',
  redact: [] as readonly string[],
  fields: {} as Readonly<Record<string, unknown>>,
} as const;

/** @internal */
export interface ResolvedLoggerOptions {
  readonly service: string;
  readonly version: string;
  readonly level: Level;
  readonly format: LogFormat;
  readonly destination: Destination;
  readonly redact: readonly string[];
  readonly fields: Readonly<Record<string, unknown>>;
}

export function resolveOptions(options: LoggerOptions): ResolvedLoggerOptions {
  if (typeof options.service !== 'string' || options.service.trim() === '') {
    throw new LoggerError(
      'LOGGER_INVALID_OPTIONS',
      'createLogger: `service` is required (a non-empty string naming this service, e.g. "api"); ' +
        'it is written on every line so logs from different services can be told apart.',
    );
  }
  const format: unknown = options.format ?? DEFAULTS.format;
  if (format !== 'json' && format !== 'pretty') {
    throw new LoggerError(
      'LOGGER_INVALID_OPTIONS',
      `createLogger: format ${JSON.stringify(format)} is not "json" or "pretty". Use "json" in production.`,
    );
  }
  const level = assertLevel(options.level ?? DEFAULTS.level, 'createLogger');
  return {
    service: options.service,
    version: options.version ?? DEFAULTS.version,
    level,
    format,
    destination: openDestination(options.destination),
    redact: options.redact ?? DEFAULTS.redact,
    fields: options.fields ?? DEFAULTS.fields,
  };
}

function openDestination(destination: LoggerOptions['destination']): Destination {
  if (destination === undefined) return streamDestination(process.stdout);
  if ('path' in destination && typeof destination.path === 'string')
    return new FileDestination(destination.path);
  if (typeof (destination as NodeJS.WritableStream).write === 'function') {
    return streamDestination(destination as NodeJS.WritableStream);
  }
  throw new LoggerError(
    'LOGGER_INVALID_OPTIONS',
    'createLogger: destination must be a writable stream (e.g. process.stdout) or { path: "/var/log/app.log" }.',
  );
}
