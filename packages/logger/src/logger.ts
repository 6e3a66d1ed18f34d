import { isSpanContextValid, type Span } from '@opentelemetry/api';
import { adaptLogger, type LoggerLike } from '@shipshape/contracts';
import { childBindings, rootBindings, type Bindings } from './bindings.js';
import { currentStore, type ContextStore } from './context.js';
import type { Destination } from './destination.js';
import type { LineFormatter } from './format.js';
import { isTraceKey, JsonFormatter } from './json-format.js';
import { LevelControl, type LevelSnapshot, type SetLevelOptions } from './level-control.js';
import { assertLevel, LEVEL_VALUES, type Level } from './levels.js';
import { resolveOptions, type LoggerOptions, type ResolvedLoggerOptions } from './options.js';
import { PrettyFormatter } from './pretty-format.js';
import { Redactor } from './redact.js';
import { Serializer } from './serialize.js';
import { useColor } from './terminal.js';
import { TraceReader } from './trace.js';
import { settleAll, Transports } from './transports.js';

/** Fields passed with one call. */
export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  error(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
  /** A logger whose lines also carry `fields` (overriding this logger's); `module` names it for levels. */
  child(fields: LogFields): Logger;
  /** Changes the level of a module (default: this logger's `module`) or, without one, the global level. */
  setLevel(level: Level, options?: SetLevelOptions): void;
  getLevels(): LevelSnapshot;
  isLevelEnabled(level: Level): boolean;
  /**
   * Resolves when every line logged before the call has been handed to the OS (pipes included)
   * and every winston transport has written it (a transport that makes no progress for
   * `flushTimeoutMs` is reported instead).
   */
  flush(): Promise<void>;
  /** Flushes, then releases the destination (closes a file; never ends stdout) and closes the transports. Shared by all children. */
  close(): Promise<void>;
}

/** @internal State shared by a root logger and all of its children. */
interface Core {
  readonly serializer: Serializer;
  /** The built-in destination; undefined when only transports receive the lines. */
  readonly destination: Destination | undefined;
  readonly transports: Transports | undefined;
  readonly levels: LevelControl;
  readonly formatter: LineFormatter;
  /** Formats the lines the transports get: the JSON formatter, whatever `format` says. */
  readonly jsonFormatter: LineFormatter;
  readonly trace: TraceReader;
  closing: Promise<void> | undefined;
}

/** @internal Lets accessLog write a line with the context captured when the request started. */
export const kLogCaptured = Symbol('shipshape.logger.logCaptured');
/** @internal Lets accessLog write lines whose field keys never change from pre-built JSON. */
export const kPrebuilt = Symbol('shipshape.logger.prebuilt');

/**
 * @internal Writes lines whose call fields are always (a subset of) the same keys, from JSON the
 * caller builds with `string()`: no per-key checks, lookups or dispatch on the hot path.
 */
export interface PrebuiltWriter {
  /** A string field's value as this logger writes it: secrets masked, JSON-quoted. */
  readonly string: (value: string) => string;
  /** `fields()` is called only when the line cannot use `fieldsJson` (a context key repeats one). */
  write(
    level: Level,
    message: string,
    fieldsJson: string,
    fields: () => LogFields,
    store: ContextStore | undefined,
    span: Span | undefined,
  ): void;
}

class LoggerImpl implements Logger {
  readonly #core: Core;
  readonly #bindings: Bindings;
  #version = -1;
  #threshold = 0;

  constructor(core: Core, bindings: Bindings) {
    this.#core = core;
    this.#bindings = bindings;
  }

  error(message: string, fields?: LogFields): void {
    if (this.#currentThreshold() >= 0)
      this.#write('error', message, fields, currentStore(), this.#core.trace.activeSpan());
  }

  warn(message: string, fields?: LogFields): void {
    if (this.#currentThreshold() >= 1)
      this.#write('warn', message, fields, currentStore(), this.#core.trace.activeSpan());
  }

  info(message: string, fields?: LogFields): void {
    if (this.#currentThreshold() >= 2)
      this.#write('info', message, fields, currentStore(), this.#core.trace.activeSpan());
  }

  debug(message: string, fields?: LogFields): void {
    if (this.#currentThreshold() >= 3)
      this.#write('debug', message, fields, currentStore(), this.#core.trace.activeSpan());
  }

  [kLogCaptured](
    level: Level,
    message: string,
    fields: LogFields,
    store: ContextStore | undefined,
    span: Span | undefined,
  ): void {
    if (this.#currentThreshold() >= LEVEL_VALUES[level])
      this.#write(level, message, fields, store, span);
  }

  [kPrebuilt](keys: readonly string[]): PrebuiltWriter | undefined {
    const core = this.#core;
    const bindings = this.#bindings;
    const formatter = core.jsonFormatter;
    // The pretty format builds lines from objects; a key this logger redacts, binds or owns takes
    // the general path, which handles each of those.
    if (core.formatter !== formatter || !(formatter instanceof JsonFormatter)) return undefined;
    for (const key of keys) {
      if (bindings.keys.has(key) || isTraceKey(key) || core.serializer.redactor.isSensitiveKey(key))
        return undefined;
    }
    const fieldKeys: ReadonlySet<string> = new Set(keys);
    return {
      string: (value) => core.serializer.string(value),
      write: (level, message, fieldsJson, fields, store, span) => {
        if (this.#currentThreshold() < LEVEL_VALUES[level]) return;
        let line: string;
        try {
          line = formatter.formatPrebuilt(
            level,
            message,
            bindings,
            fieldKeys,
            fieldsJson,
            fields,
            store,
            span,
          );
        } catch {
          this.#write(level, message, fields(), store, span);
          return;
        }
        core.destination?.write(line);
        const transports = core.transports;
        if (transports !== undefined && transports.accepts(level)) transports.write(line, level);
      },
    };
  }

  child(fields: LogFields): Logger {
    return new LoggerImpl(this.#core, childBindings(this.#core.serializer, this.#bindings, fields));
  }

  setLevel(level: Level, options: SetLevelOptions = {}): void {
    const module = 'module' in options ? options.module : this.#bindings.module;
    this.#core.levels.set(level, { module, expiresInMs: options.expiresInMs });
  }

  getLevels(): LevelSnapshot {
    return this.#core.levels.snapshot();
  }

  isLevelEnabled(level: Level): boolean {
    return LEVEL_VALUES[assertLevel(level, 'isLevelEnabled')] <= this.#currentThreshold();
  }

  flush(): Promise<void> {
    const { destination, transports } = this.#core;
    if (transports === undefined) return destination?.flush() ?? Promise.resolve();
    if (destination === undefined) return transports.flush();
    return settleAll([destination.flush(), transports.flush()]);
  }

  close(): Promise<void> {
    const core = this.#core;
    core.closing ??= (async () => {
      core.levels.close();
      const closing: Promise<void>[] = [];
      if (core.destination !== undefined) closing.push(core.destination.close());
      if (core.transports !== undefined) closing.push(core.transports.close());
      await settleAll(closing);
    })();
    return core.closing;
  }

  #currentThreshold(): number {
    const levels = this.#core.levels;
    if (levels.version !== this.#version) {
      this.#threshold = levels.threshold(this.#bindings.module);
      this.#version = levels.version;
    }
    return this.#threshold;
  }

  #write(
    level: Level,
    message: string,
    fields: LogFields | undefined,
    store: ContextStore | undefined,
    span: Span | undefined,
  ): void {
    const core = this.#core;
    const text = typeof message === 'string' ? message : String(message);
    const destination = core.destination;
    let line = '';
    if (destination !== undefined) {
      line = this.#format(core.formatter, level, text, fields, store, span);
      destination.write(line);
    }
    const transports = core.transports;
    if (transports !== undefined && transports.accepts(level)) {
      if (line === '' || core.formatter !== core.jsonFormatter)
        line = this.#format(core.jsonFormatter, level, text, fields, store, span);
      transports.write(line, level);
    }
  }

  #format(
    formatter: LineFormatter,
    level: Level,
    text: string,
    fields: LogFields | undefined,
    store: ContextStore | undefined,
    span: Span | undefined,
  ): string {
    try {
      return formatter.format(level, text, this.#bindings, fields, store, span);
    } catch (error) {
      // A logger never throws at its caller: write what is certain, and why the rest is missing.
      return (
        JSON.stringify({
          timestamp: new Date().toISOString(),
          level,
          message: this.#core.serializer.redactor.maskString(text),
          log_error: `fields could not be formatted: ${error instanceof Error ? error.message : String(error)}`,
        }) + '\n'
      );
    }
  }
}

/** @internal Builds a logger from resolved options; tests inject a formatter here. */
export function createLoggerWith(
  resolved: ResolvedLoggerOptions,
  makeFormatter?: (serializer: Serializer, trace: TraceReader) => LineFormatter,
): Logger {
  const serializer = new Serializer(new Redactor(resolved.redact));
  const trace = new TraceReader();
  const jsonFormatter = new JsonFormatter(serializer, trace);
  const formatter =
    makeFormatter?.(serializer, trace) ??
    (resolved.format === 'pretty'
      ? new PrettyFormatter(serializer, trace, { color: useColor(resolved.stream) })
      : jsonFormatter);
  const bindings = rootBindings(
    serializer,
    { service: resolved.service, version: resolved.version, commit: resolved.commit },
    resolved.fields,
  );
  const destination = resolved.destination;
  const report = (name: string, problem: string, error: unknown): void => {
    const fields: Record<string, unknown> = {
      transport: name,
      hint: 'Lines for this transport may be missing; the other destinations are unaffected. Only this first failure is logged.',
    };
    if (error !== undefined) fields.err = error;
    const line = formatter.format(
      'error',
      `log transport ${name} ${problem}`,
      bindings,
      fields,
      undefined,
      undefined,
    );
    if (destination !== undefined) destination.write(line);
    else process.stderr.write(line);
  };
  const core: Core = {
    serializer,
    destination,
    transports:
      resolved.transports.length === 0
        ? undefined
        : new Transports(resolved.transports, resolved.flushTimeoutMs, report),
    levels: new LevelControl(resolved.level, resolved.maxModuleLevels),
    formatter,
    jsonFormatter,
    trace,
    closing: undefined,
  };
  return new LoggerImpl(core, bindings);
}

/** Creates a root logger. See README for every option and its default. */
export function createLogger(options: LoggerOptions): Logger {
  return createLoggerWith(resolveOptions(options));
}

/** @internal Writes a line with a context and span captured earlier (the access log's). */
export type CapturedWriter = (
  level: Level,
  message: string,
  fields: LogFields,
  store: ContextStore | undefined,
  span: Span | undefined,
) => void;

/** @internal The pre-built-fields writer of `logger` for `keys`, when it is this package's and can use one. */
export function prebuiltWriter(
  logger: LoggerLike,
  keys: readonly string[],
): PrebuiltWriter | undefined {
  return logger instanceof LoggerImpl ? logger[kPrebuilt](keys) : undefined;
}

/**
 * @internal A writer for `logger`: this package's loggers take the captured context as it is;
 * any other logger (winston, pino, bunyan, console) gets the context fields and trace ids as
 * fields, through `adaptLogger`, and no field whose value is undefined.
 */
export function capturedWriter(logger: LoggerLike): CapturedWriter {
  if (logger instanceof LoggerImpl) {
    return (level, message, fields, store, span) => {
      logger[kLogCaptured](level, message, fields, store, span);
    };
  }
  const log = adaptLogger(logger);
  return (level, message, fields, store, span) => {
    const line: Record<string, unknown> = store === undefined ? {} : { ...store.fields };
    const spanContext = span?.spanContext();
    if (spanContext !== undefined && isSpanContextValid(spanContext)) {
      line.trace_id = spanContext.traceId;
      line.span_id = spanContext.spanId;
    }
    for (const key in fields) if (fields[key] !== undefined) line[key] = fields[key];
    log[level](message, line);
  };
}
