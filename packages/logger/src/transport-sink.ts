import { LoggerError } from './errors.js';
import type { Level } from './levels.js';

/**
 * What this package needs from a winston transport (anything built on winston-transport):
 * declared structurally so the user's own copy of winston works.
 */
export interface LogTransport {
  log?:
    ((info: Record<PropertyKey, unknown>, next: (error?: unknown) => void) => unknown) | undefined;
  on(event: string, listener: (...args: never[]) => void): unknown;
  removeListener?(event: string, listener: (...args: never[]) => void): unknown;
  name?: string | undefined;
  level?: string | undefined;
  levels?: Readonly<Record<string, number>> | undefined;
  silent?: boolean | undefined;
  handleExceptions?: boolean | undefined;
  format?:
    | {
        transform(info: Record<PropertyKey, unknown>, options?: unknown): unknown;
        options?: unknown;
      }
    | undefined;
  end?(): unknown;
  close?(): unknown;
}

/** winston's npm levels: what a winston logger hands its transports when they have none. */
const NPM_LEVELS: Readonly<Record<string, number>> = {
  error: 0,
  warn: 1,
  info: 2,
  http: 3,
  verbose: 4,
  debug: 5,
  silly: 6,
};

export const LEVEL = Symbol.for('level');
export const MESSAGE = Symbol.for('message');
/** Carried on every info so a transport's `logged` event can be matched to its line. */
const SEQ = Symbol('shipshape.seq');

/**
 * Lines that may wait for a transport before a stall is suspected: beyond this, lines are dropped
 * while the transport has not called back for `STALLED_AFTER_MS` (a slow transport that keeps
 * calling back loses nothing to a burst).
 */
export const MAX_QUEUED_LINES = 100_000;
/** A transport that has not called back for this long, with a full queue, is taken as stalled. */
export const STALLED_AFTER_MS = 1_000;
/** Lines that may wait for a transport in any case: beyond this they are dropped. */
export const MAX_QUEUED_LINES_HARD = 1_000_000;
const POLL_MS = 2;

export type Info = Record<PropertyKey, unknown>;

export function assertTransports(transports: unknown): asserts transports is LogTransport[] {
  if (!Array.isArray(transports)) {
    throw new LoggerError(
      'LOGGER_INVALID_OPTIONS',
      'createLogger: transports must be an array of winston transports, e.g. [new winston.transports.File({ filename })].',
    );
  }
  transports.forEach((transport: unknown, index) => {
    const candidate = transport as Partial<LogTransport> | null;
    if (
      typeof candidate !== 'object' ||
      candidate === null ||
      typeof candidate.log !== 'function' ||
      typeof candidate.on !== 'function'
    ) {
      throw new LoggerError(
        'LOGGER_INVALID_OPTIONS',
        `createLogger: transports[${index}] is not a winston transport (it needs log(info, callback) and on()). ` +
          'Pass an instance, e.g. new winston.transports.Console(), not the class or its options.',
      );
    }
  });
}

/**
 * One line on its way to the transports. Its info object is shared by every transport and is
 * lazy: winston's `level`, its `level` and `message` symbols and the line's sequence are there
 * from the start, and the fields are parsed from the JSON text only when something reads one.
 * Transports that write the finished line (File, Console, winston-daily-rotate-file, which read
 * only the `message` symbol) therefore never parse it; a queued line costs its text only.
 */
export class PendingLine {
  readonly seq: number;
  #json: string | undefined;
  /** The text as UTF-8 while the line waits in a queue (see `park`). */
  #parked: Buffer | undefined;
  readonly #level: Level;
  #info: Info | undefined;

  constructor(json: string, level: Level, seq: number) {
    this.#json = json;
    this.#level = level;
    this.seq = seq;
  }

  get info(): Info {
    this.#info ??= lazyInfo(this.#text(), this.#level, this.seq);
    return this.#info;
  }

  /** Whether the line may carry winston's `exception: true` (the text is checked before parsing). */
  get mayBeException(): boolean {
    return this.#text().includes('"exception":true');
  }

  /**
   * Moves the text out of the JavaScript heap while the line waits for a slow transport: a
   * backlog of strings would be copied by every young-generation collection until promoted,
   * and those collections, not the lines, would then take most of the time.
   */
  park(): void {
    if (this.#json !== undefined && this.#info === undefined) {
      this.#parked = Buffer.from(this.#json, 'utf8');
      this.#json = undefined;
    }
  }

  #text(): string {
    this.#json ??= (this.#parked as Buffer).toString('utf8');
    this.#parked = undefined;
    return this.#json;
  }
}

/** Where a lazy info keeps its JSON text until a field is read (removed once parsed). */
const TEXT = Symbol('shipshape.text');

/** An info object whose string-keyed members are parsed from `json` on first use. */
function lazyInfo(json: string, level: Level, seq: number): Info {
  const target: Info = {
    level,
    [LEVEL]: level,
    [MESSAGE]: json.endsWith('\n') ? json.slice(0, -1) : json,
    [SEQ]: seq,
    [TEXT]: json,
  };
  return new Proxy(target, LAZY_INFO);
}

/** The parsed info: `target` itself, filled from its text the first time. */
function fields(target: Info): Info {
  const json = target[TEXT];
  if (typeof json === 'string') {
    Reflect.deleteProperty(target, TEXT);
    Object.assign(target, JSON.parse(json) as Info);
  }
  return target;
}

/** One handler for every lazy info: symbols are read as they are, anything else parses first. */
const LAZY_INFO: ProxyHandler<Info> = {
  get: (target, key) => (typeof key === 'symbol' ? target[key] : fields(target)[key]),
  has: (target, key) => (typeof key === 'symbol' ? key in target : key in fields(target)),
  ownKeys: (target) => Reflect.ownKeys(fields(target)),
  getOwnPropertyDescriptor: (target, key) => Reflect.getOwnPropertyDescriptor(fields(target), key),
  set: (target, key, value) => Reflect.set(fields(target), key, value),
  deleteProperty: (target, key) => Reflect.deleteProperty(fields(target), key),
  defineProperty: (target, key, descriptor) =>
    Reflect.defineProperty(fields(target), key, descriptor),
};

/**
 * One winston transport as a destination. It applies winston-transport's own rules (silent,
 * level, handleExceptions, format) and calls `log(info, callback)` one line at a time, as a
 * winston logger's stream does; lines that come while the transport has not called back wait in
 * a bounded queue and are handed over together when it does. A line is written once the
 * transport has called back and reported it with winston's `logged` event.
 */
export class TransportSink {
  readonly name: string;
  readonly #transport: LogTransport;
  readonly #log: NonNullable<LogTransport['log']>;
  readonly #onFailure: (sink: TransportSink, problem: string, error: unknown) => void;
  #queue: PendingLine[] = [];
  /** Index of the next queued line (the array is reset once drained). */
  #head = 0;
  #pumping = false;
  #inFlight = 0;
  #lastSeq = 0;
  /** When the transport last called back, or was handed a line while idle. */
  #progressAt = 0;
  readonly #needCallback = new Set<number>();
  readonly #needReport = new Set<number>();
  /** winston's contract is to emit `logged`; cleared once the transport is seen not to. */
  #expectReports = true;
  #reportsSeen = 0;
  #lost = 0;
  #lostReported = 0;
  #closed = false;
  #failed = false;
  readonly #writesToConsole: boolean;
  readonly #onLogged = (info: unknown): void => {
    this.#reportsSeen++;
    this.#progressAt = performance.now();
    const seq = (info as Info | undefined)?.[SEQ];
    if (typeof seq === 'number') this.#needReport.delete(seq);
  };
  readonly #onError = (error: unknown): void => {
    this.#lost++;
    const oldest = this.#needReport.values().next();
    if (oldest.done !== true) this.#needReport.delete(oldest.value);
    this.#fail('reported an error', error);
  };

  constructor(
    transport: LogTransport,
    index: number,
    onFailure: (sink: TransportSink, problem: string, error: unknown) => void,
  ) {
    this.#transport = transport;
    this.#log = transport.log as NonNullable<LogTransport['log']>;
    this.#onFailure = onFailure;
    this.name = `${nameOf(transport)}#${index}`;
    this.#writesToConsole = 'stderrLevels' in transport || transport.name === 'console';
    // A winston logger gives its transports its levels when it pipes into them; so does this.
    transport.levels ??= NPM_LEVELS;
    transport.on('logged', this.#onLogged);
    transport.on('warn', this.#onError);
    transport.on('error', this.#onError);
  }

  /** Lines the transport lost (it failed them, threw, or could not keep up). */
  get lostLines(): number {
    return this.#lost;
  }

  /** Whether this transport takes a line of `level` (winston's `silent` and `level` rules). */
  accepts(level: Level): boolean {
    const transport = this.#transport;
    if (transport.silent === true || this.#closed) return false;
    const threshold = transport.level;
    if (threshold === undefined || threshold === '') return true;
    const levels = transport.levels ?? NPM_LEVELS;
    return (levels[threshold] ?? -1) >= (levels[level] ?? Infinity);
  }

  write(line: PendingLine): void {
    this.#lastSeq = line.seq;
    if (this.#inFlight === 0 && this.#queued() === 0) {
      this.#logOne(line);
      return;
    }
    const queued = this.#queued();
    if (
      queued >= MAX_QUEUED_LINES &&
      (queued >= MAX_QUEUED_LINES_HARD || performance.now() - this.#progressAt >= STALLED_AFTER_MS)
    ) {
      this.#lost++;
      this.#fail(
        queued >= MAX_QUEUED_LINES_HARD
          ? `is ${MAX_QUEUED_LINES_HARD} lines behind; further lines are dropped until it catches up`
          : `has not called back for ${STALLED_AFTER_MS} ms with ${MAX_QUEUED_LINES} lines waiting; ` +
              'further lines are dropped until it does',
        undefined,
      );
      return;
    }
    line.park();
    this.#queue.push(line);
  }

  #queued(): number {
    return this.#queue.length - this.#head;
  }

  /** Hands queued lines over one at a time, each after the previous one was called back. */
  #pump(): void {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (this.#inFlight === 0 && this.#head < this.#queue.length) {
        const line = this.#queue[this.#head] as PendingLine;
        this.#queue[this.#head++] = undefined as unknown as PendingLine;
        this.#logOne(line);
      }
      if (this.#head === this.#queue.length) {
        this.#queue = [];
        this.#head = 0;
      }
    } finally {
      this.#pumping = false;
    }
  }

  #logOne(line: PendingLine): void {
    const transport = this.#transport;
    const { info, seq } = line;
    if (line.mayBeException && info.exception === true && transport.handleExceptions !== true)
      return;
    let given = info;
    const format = transport.format;
    if (format !== undefined) {
      let transformed: unknown;
      try {
        transformed = format.transform(Object.assign({}, info), format.options);
      } catch (error) {
        this.#lost++;
        this.#fail('format threw', error);
        return;
      }
      if (typeof transformed !== 'object' || transformed === null) return; // the format filtered it out
      given = transformed as Info;
    }
    if (this.#inFlight++ === 0) this.#progressAt = performance.now();
    this.#needCallback.add(seq);
    if (this.#expectReports) this.#needReport.add(seq);
    let called = false as boolean; // set by `done`, which may run inside `log`
    const done = (error?: unknown): void => {
      if (called) return;
      called = true;
      this.#inFlight--;
      this.#progressAt = performance.now();
      this.#needCallback.delete(seq);
      if (error !== undefined && error !== null && error !== false) {
        this.#needReport.delete(seq);
        this.#lost++;
        this.#fail('failed a line', error);
      }
      if (this.#inFlight === 0) this.#pump();
    };
    try {
      this.#log.call(transport, given, done);
    } catch (error) {
      if (!called) {
        called = true;
        this.#inFlight--;
        this.#needCallback.delete(seq);
      }
      this.#needReport.delete(seq);
      this.#lost++;
      this.#fail('threw', error);
    }
  }

  /**
   * Resolves when every line written before the call has been called back and reported, and the
   * streams the transport holds (winston's File keeps two) have nothing buffered. A transport
   * working through a backlog is waited for as long as it keeps calling back; this rejects once it
   * has made no progress for `budgetMs`, or when lines were lost since the previous flush.
   */
  async flush(budgetMs: number): Promise<void> {
    const target = this.#lastSeq;
    const settled = await this.#waitFor(
      () => this.#settledThrough(target) && this.#streamsIdle(),
      budgetMs,
    );
    if (!settled) {
      if (
        this.#expectReports &&
        this.#reportsSeen === 0 &&
        !this.#pendingCallbacksThrough(target)
      ) {
        // It calls back but never emits `logged`: count its callback as written from now on.
        this.#expectReports = false;
        this.#needReport.clear();
        this.#fail(
          `never emits winston's 'logged' event; its callback is taken as written`,
          undefined,
        );
      } else {
        const problem = `made no progress for ${budgetMs} ms (flushTimeoutMs) with lines still to write`;
        this.#fail(problem, undefined);
        throw new LoggerError(
          'LOGGER_DESTINATION_FAILED',
          `Log transport ${this.name} ${problem}; its last lines may be lost. ` +
            'Check that what it writes to (file system, collector) is reachable.',
        );
      }
    }
    if (this.#lost > this.#lostReported) {
      const lost = this.#lost - this.#lostReported;
      this.#lostReported = this.#lost;
      throw new LoggerError(
        'LOGGER_DESTINATION_FAILED',
        `Log transport ${this.name} lost ${lost} line(s) since the last flush; its first failure was logged.`,
      );
    }
  }

  /** Flushes, then ends the transport the way winston does (`close()`, else `end()`), bounded. */
  async close(budgetMs: number): Promise<void> {
    try {
      await this.flush(budgetMs);
    } finally {
      this.#closed = true;
      const transport = this.#transport;
      const ended = new Promise<void>((resolve) => {
        for (const event of ['finish', 'closed', 'close']) transport.on(event, () => resolve());
      });
      try {
        if (typeof transport.close === 'function') transport.close();
        else if (typeof transport.end === 'function') transport.end();
        await this.#waitFor(() => false, budgetMs, ended);
        await this.#waitFor(() => this.#streamsIdle(), budgetMs);
      } catch (error) {
        this.#fail('failed to close', error);
      }
      transport.removeListener?.('logged', this.#onLogged);
    }
  }

  #settledThrough(seq: number): boolean {
    if (this.#queued() > 0 && (this.#queue[this.#head]?.seq ?? Infinity) <= seq) return false;
    return !this.#pendingCallbacksThrough(seq) && !hasAtMost(this.#needReport, seq);
  }

  #pendingCallbacksThrough(seq: number): boolean {
    return hasAtMost(this.#needCallback, seq);
  }

  /**
   * Nothing buffered in any stream the transport holds as a property (File: `_stream`, `_dest`),
   * nor, for winston's Console, in process.stdout and process.stderr, which it writes to.
   */
  #streamsIdle(): boolean {
    const held = Object.values(this.#transport as object);
    if (this.#writesToConsole) held.push(process.stdout, process.stderr);
    for (const value of held) {
      if (typeof value !== 'object' || value === null || value === this.#transport) continue;
      const stream = value as {
        write?: unknown;
        writableLength?: unknown;
        readableLength?: unknown;
      };
      if (typeof stream.write !== 'function') continue;
      if (typeof stream.writableLength === 'number' && stream.writableLength > 0) return false;
      if (typeof stream.readableLength === 'number' && stream.readableLength > 0) return false;
    }
    return true;
  }

  /**
   * Polls `condition` until true (true), or `signal` settles (true), or the transport has made no
   * progress (no callback, no `logged` report) for `budgetMs` (false).
   */
  #waitFor(condition: () => boolean, budgetMs: number, signal?: Promise<void>): Promise<boolean> {
    if (condition()) return Promise.resolve(true);
    const start = performance.now();
    return new Promise((resolve) => {
      let poll: NodeJS.Timeout | undefined;
      let done = false;
      const finish = (result: boolean): void => {
        if (done) return;
        done = true;
        clearTimeout(poll);
        resolve(result);
      };
      const check = (): void => {
        if (condition()) finish(true);
        else if (performance.now() - Math.max(start, this.#progressAt) >= budgetMs) finish(false);
        else poll = setTimeout(check, POLL_MS);
      };
      void signal?.then(() => finish(true));
      poll = setTimeout(check, POLL_MS);
    });
  }

  #fail(problem: string, error: unknown): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#onFailure(this, problem, error);
  }
}

/** Its winston `name` (File: `file`), else its class name, for reports. */
function nameOf(transport: LogTransport): string {
  if (typeof transport.name === 'string' && transport.name !== '') return transport.name;
  const className = (transport as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof className === 'string' && className !== '' ? className : 'transport';
}

function hasAtMost(set: ReadonlySet<number>, seq: number): boolean {
  for (const value of set) if (value <= seq) return true;
  return false;
}
