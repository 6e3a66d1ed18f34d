import type { Destination } from './destination.js';
import { FileDestination } from './file-destination.js';
import { streamDestination } from './stream-destination.js';
import { LoggerError } from './errors.js';
import { assertLevel, type Level } from './levels.js';
import { assertTransports, type LogTransport } from './transport-sink.js';

/** Output format: one JSON object per line, or text for a developer's terminal. */
export type LogFormat = 'json' | 'pretty';

/** Options of `createLogger`. Only `service` is required. */
export interface LoggerOptions {
  /** Name of the service, written on every line. */
  readonly service: string;
  /** Version of the service, written on every line. */
  readonly version?: string | undefined;
  /** Build commit of the service (e.g. the git SHA), written on every line as `commit`. */
  readonly commit?: string | undefined;
  /** Lowest level written. */
  readonly level?: Level | undefined;
  readonly format?: LogFormat | undefined;
  /**
   * A writable stream or `{ path }` of a file opened for append. Defaults to stdout, unless
   * `transports` are given: then lines go only to them unless a destination is named too.
   */
  readonly destination?: NodeJS.WritableStream | { readonly path: string } | undefined;
  /** winston transports (File, Console, Http, winston-daily-rotate-file, …) that get every line. */
  readonly transports?: readonly LogTransport[] | undefined;
  /** How long `flush()` and `close()` wait for the transports before reporting them. */
  readonly flushTimeoutMs?: number | undefined;
  /** Extra keys to redact, added to the default deny-list. */
  readonly redact?: readonly string[] | undefined;
  /** Fields written on every line of this logger and its children. */
  readonly fields?: Readonly<Record<string, unknown>> | undefined;
  /** How many modules may have their own level at once (`setLevel` with `module`). */
  readonly maxModuleLevels?: number | undefined;
}

/** Every default, written once. `destination: 'stdout'` means `process.stdout`. */
export const DEFAULTS = {
  version: 'unknown',
  commit: 'unknown',
  level: 'info',
  format: 'json',
  destination: 'stdout',
  transports: [] as readonly LogTransport[],
  flushTimeoutMs: 2000,
  redact: [] as readonly string[],
  fields: {} as Readonly<Record<string, unknown>>,
  maxModuleLevels: 32,
} as const;

/** @internal */
export interface ResolvedLoggerOptions {
  readonly service: string;
  readonly version: string;
  readonly commit: string;
  readonly level: Level;
  readonly format: LogFormat;
  /** undefined when only transports receive the lines. */
  readonly destination: Destination | undefined;
  /** The stream behind `destination` (for the terminal check of the pretty format). */
  readonly stream: NodeJS.WritableStream | undefined;
  readonly transports: readonly LogTransport[];
  readonly flushTimeoutMs: number;
  readonly redact: readonly string[];
  readonly fields: Readonly<Record<string, unknown>>;
  readonly maxModuleLevels: number;
}

export function resolveOptions(options: LoggerOptions): ResolvedLoggerOptions {
  if (typeof options.service !== 'string' || options.service.trim() === '') {
    throw invalid(
      '`service` is required (a non-empty string naming this service, e.g. "api"); ' +
        'it is written on every line so logs from different services can be told apart.',
    );
  }
  const format: unknown = options.format ?? DEFAULTS.format;
  if (format !== 'json' && format !== 'pretty') {
    throw invalid(
      `format ${JSON.stringify(format)} is not "json" or "pretty". Use "json" in production.`,
    );
  }
  const level = assertLevel(options.level ?? DEFAULTS.level, 'createLogger');
  const transports = options.transports ?? DEFAULTS.transports;
  assertTransports(transports);
  const flushTimeoutMs = wholeNumber(
    'flushTimeoutMs',
    options.flushTimeoutMs ?? DEFAULTS.flushTimeoutMs,
    1,
    2_147_483_647,
  );
  const maxModuleLevels = wholeNumber(
    'maxModuleLevels',
    options.maxModuleLevels ?? DEFAULTS.maxModuleLevels,
    0,
    10_000,
  );
  const stream =
    options.destination === undefined
      ? transports.length === 0
        ? process.stdout
        : undefined
      : isStream(options.destination)
        ? options.destination
        : undefined;
  return {
    service: options.service,
    version: options.version ?? DEFAULTS.version,
    commit: options.commit ?? DEFAULTS.commit,
    level,
    format,
    destination:
      options.destination === undefined
        ? stream === undefined
          ? undefined
          : streamDestination(stream)
        : openDestination(options.destination),
    stream,
    transports,
    flushTimeoutMs,
    redact: options.redact ?? DEFAULTS.redact,
    fields: options.fields ?? DEFAULTS.fields,
    maxModuleLevels,
  };
}

function isStream(value: unknown): value is NodeJS.WritableStream {
  return typeof (value as NodeJS.WritableStream).write === 'function';
}

function openDestination(destination: NonNullable<LoggerOptions['destination']>): Destination {
  if ('path' in destination && typeof destination.path === 'string')
    return new FileDestination(destination.path);
  if (isStream(destination)) return streamDestination(destination);
  throw invalid(
    'destination must be a writable stream (e.g. process.stdout) or { path: "/var/log/app.log" }.',
  );
}

function wholeNumber(name: string, value: unknown, min: number, max: number): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) {
    return value;
  }
  throw invalid(`${name} must be a whole number from ${min} to ${max}, got ${String(value)}.`);
}

function invalid(detail: string): LoggerError {
  return new LoggerError('LOGGER_INVALID_OPTIONS', `createLogger: ${detail}`);
}
