/** Fields passed with one log call. */
export type LogFields = Readonly<Record<string, unknown>>;

/**
 * A logger as every shipshape package accepts it: anything with `error`, `warn`, `info` and
 * `debug`. winston's, pino's and bunyan's loggers, `console` and @shipshape/logger's all fit as
 * they are; `adaptLogger` finds out once which argument order the logger takes.
 */
export interface LoggerLike {
  /** A failure someone must look at. */
  error(message: string, fields?: LogFields): void;
  /** Something unexpected that was handled. */
  warn(message: string, fields?: LogFields): void;
  /** A normal event worth a line. */
  info(message: string, fields?: LogFields): void;
  /** Detail for whoever is debugging. */
  debug(message: string, fields?: LogFields): void;
}

/** The same four methods, always called `(message, fields)`, whatever logger is behind them. */
export type Log = LoggerLike;

/**
 * `'message-first'`: `info(message, fields)` (winston, `console`, @shipshape/logger).
 * `'fields-first'`: `info(fields, message)` (pino, bunyan).
 */
export type LogConvention = 'message-first' | 'fields-first';

type Level = 'error' | 'warn' | 'info' | 'debug';
type LevelMethod = (first: unknown, second?: unknown) => void;

const ADAPTED = new WeakSet<object>();
const MAX_CAUSE_DEPTH = 8;

/**
 * pino loggers have `bindings()`, bunyan loggers `addStream()`: both take `(fields, message)`.
 * Anything else is called `(message, fields)`.
 */
export function logConvention(logger: object): LogConvention {
  const candidate = logger as { bindings?: unknown; addStream?: unknown };
  return typeof candidate.bindings === 'function' || typeof candidate.addStream === 'function'
    ? 'fields-first'
    : 'message-first';
}

/**
 * Wraps `logger` so that every field reaches it: `(message, fields)` calls are turned into
 * `(fields, message)` for pino and bunyan, and `Error` values into plain
 * `{ type, message, stack, …own properties, cause }` objects, which JSON formatters (winston's,
 * bunyan's) would otherwise print as `{}`. pino's own `err` serializer keeps the `err` field.
 * Pass `convention` for a fields-first logger that is neither pino nor bunyan.
 */
export function adaptLogger(
  logger: LoggerLike,
  convention: LogConvention = logConvention(logger),
): Log {
  if (ADAPTED.has(logger)) return logger;
  const pino = typeof (logger as { bindings?: unknown }).bindings === 'function';
  const method = (level: Level): ((message: string, fields?: LogFields) => void) => {
    const call = (first: unknown, second?: unknown): void => {
      (logger[level] as LevelMethod).call(logger, first, second);
    };
    const callOne = (message: string): void => {
      (logger[level] as LevelMethod).call(logger, message);
    };
    if (convention === 'fields-first') {
      return (message, fields) => {
        if (fields === undefined) callOne(message);
        else call(plainFields(fields, pino), message);
      };
    }
    return (message, fields) => {
      if (fields === undefined) callOne(message);
      else call(message, plainFields(fields, false));
    };
  };
  const adapted: Log = {
    error: method('error'),
    warn: method('warn'),
    info: method('info'),
    debug: method('debug'),
  };
  ADAPTED.add(adapted);
  return adapted;
}

/** `fields` itself when it holds no Error; else a copy with each Error made plain. */
function plainFields(fields: LogFields, keepErr: boolean): LogFields {
  let copy: Record<string, unknown> | undefined;
  for (const key in fields) {
    const value = fields[key];
    if (!(value instanceof Error) || (keepErr && key === 'err')) continue;
    copy ??= { ...fields };
    copy[key] = plainError(value, 0);
  }
  return copy ?? fields;
}

function plainError(error: Error, depth: number): Record<string, unknown> {
  const ctor = (error as { constructor?: { name?: unknown } }).constructor;
  const out: Record<string, unknown> = {
    type: typeof ctor?.name === 'string' && ctor.name !== '' ? ctor.name : error.name,
    message: error.message,
    stack: error.stack,
  };
  for (const key of Object.keys(error)) {
    if (key === 'cause' || key in out) continue;
    out[key] = (error as unknown as Record<string, unknown>)[key];
  }
  const cause = error.cause;
  if (cause !== undefined) {
    out.cause =
      cause instanceof Error && depth < MAX_CAUSE_DEPTH ? plainError(cause, depth + 1) : cause;
  }
  return out;
}
