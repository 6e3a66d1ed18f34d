import { writeSync } from 'node:fs';
import {
  CHUNK_CHARS,
  destinationError,
  pendingAtExit,
  registerExitFlush,
  type Destination,
} from './destination.js';
import type { LoggerError } from './errors.js';

interface Waiter {
  seq: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

const shared = new WeakMap<NodeJS.WritableStream, StreamDestination>();

/**
 * The destination for a stream, shared by every logger writing to that stream so their lines keep
 * their order and one error listener serves all. Each call must be paired with one `close()`.
 */
export function streamDestination(stream: NodeJS.WritableStream): StreamDestination {
  let destination = shared.get(stream);
  if (destination === undefined) {
    destination = new StreamDestination(stream);
    shared.set(stream, destination);
  } else destination.acquire();
  return destination;
}

/** Any Writable (process.stdout, a pipe, a socket): chunked writes that honour `write() === false`. */
export class StreamDestination implements Destination {
  #refs = 1;
  readonly #stream: NodeJS.WritableStream & { fd?: unknown; writableLength?: number };
  #pending = '';
  /** Full chunks waiting for 'drain' (kept apart so no giant string builds up under backpressure). */
  #queued: string[] = [];
  #scheduled = false;
  #blocked = false;
  #issued = 0;
  #completed = 0;
  #waiters: Waiter[] = [];
  #failure: Error | undefined;
  #dropped = 0;
  readonly #onImmediate = (): void => {
    this.#scheduled = false;
    this.#push(false);
  };
  readonly #onDrain = (): void => {
    this.#blocked = false;
    this.#push(false);
  };
  readonly #onError = (error: Error): void => {
    this.#fail(error);
  };

  constructor(stream: NodeJS.WritableStream) {
    this.#stream = stream;
    stream.on('error', this.#onError);
    if (typeof this.#stream.fd === 'number') registerExitFlush(this);
  }

  get droppedLines(): number {
    return this.#dropped;
  }

  write(line: string): void {
    if (this.#failure !== undefined) {
      this.#dropped++;
      return;
    }
    this.#pending += line;
    if (this.#pending.length >= CHUNK_CHARS) {
      if (this.#blocked) {
        this.#queued.push(this.#pending);
        this.#pending = '';
      } else this.#push(false);
    } else if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#onImmediate);
    }
  }

  flush(): Promise<void> {
    this.#push(true);
    if (this.#failure !== undefined) return Promise.reject(this.#failedError());
    const seq = this.#issued;
    if (this.#completed >= seq) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#waiters.push({ seq, resolve, reject });
    });
  }

  acquire(): void {
    this.#refs++;
  }

  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      if (--this.#refs <= 0) this.#detach();
    }
  }

  #detach(): void {
    if (shared.get(this.#stream) === this) shared.delete(this.#stream);
    this.#stream.removeListener('error', this.#onError);
    this.#stream.removeListener('drain', this.#onDrain);
    pendingAtExit.delete(this);
  }

  /** Last resort at process exit: write what is still buffered straight to the file descriptor. */
  flushSync(): void {
    const fd = this.#stream.fd;
    const rest = this.#queued.join('') + this.#pending;
    if (rest === '' || typeof fd !== 'number' || (this.#stream.writableLength ?? 0) > 0) return;
    try {
      writeSync(fd, rest);
      this.#queued = [];
      this.#pending = '';
    } catch {
      // the process is exiting; nothing left to report to
    }
  }

  /** Writes queued chunks then the pending one, stopping at backpressure unless forced (flush). */
  #push(force: boolean): void {
    if ((this.#blocked && !force) || this.#failure !== undefined) return;
    while (this.#queued.length > 0) {
      this.#writeChunk(this.#queued.shift() ?? '');
      if (this.#blocked && !force) return;
    }
    if (this.#pending === '') return;
    const chunk = this.#pending;
    this.#pending = '';
    this.#writeChunk(chunk);
  }

  #writeChunk(chunk: string): void {
    const seq = ++this.#issued;
    const accepted = this.#stream.write(chunk, (error?: Error | null) => {
      if (error) this.#fail(error);
      if (seq > this.#completed) this.#completed = seq;
      this.#settle();
    });
    if (!accepted && !this.#blocked) {
      this.#blocked = true;
      this.#stream.once('drain', this.#onDrain);
    }
  }

  #settle(): void {
    if (this.#waiters.length === 0) return;
    const remaining: Waiter[] = [];
    for (const waiter of this.#waiters) {
      if (this.#failure !== undefined) waiter.reject(this.#failedError());
      else if (waiter.seq <= this.#completed) waiter.resolve();
      else remaining.push(waiter);
    }
    this.#waiters = remaining;
  }

  #fail(error: Error): void {
    if (this.#failure !== undefined) return;
    this.#failure = error;
    for (const chunk of [...this.#queued, this.#pending])
      this.#dropped += chunk.split('\n').length - 1;
    this.#queued = [];
    this.#pending = '';
    this.#settle();
  }

  #failedError(): LoggerError {
    return destinationError('the log stream', this.#failure, this.#dropped);
  }
}
