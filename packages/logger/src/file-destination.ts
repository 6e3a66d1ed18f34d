import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  CHUNK_CHARS,
  destinationError,
  pendingAtExit,
  registerExitFlush,
  type Destination,
} from './destination.js';
import { LoggerError } from './errors.js';

/** A file opened for append and written synchronously in chunks: memory stays flat under load. */
export class FileDestination implements Destination {
  readonly #path: string;
  #fd: number | undefined;
  #pending = '';
  #scheduled = false;
  #failure: Error | undefined;
  #dropped = 0;
  readonly #onImmediate = (): void => {
    this.#scheduled = false;
    this.flushSync();
  };

  constructor(path: string) {
    this.#path = path;
    try {
      mkdirSync(dirname(path), { recursive: true });
      this.#fd = openSync(path, 'a');
    } catch (error) {
      throw new LoggerError(
        'LOGGER_DESTINATION_FAILED',
        `Cannot open log file ${path} for appending: ${(error as Error).message}. ` +
          'Check the directory exists and is writable by this process, or log to stdout.',
        { cause: error },
      );
    }
    registerExitFlush(this);
  }

  get droppedLines(): number {
    return this.#dropped;
  }

  write(line: string): void {
    if (this.#failure !== undefined || this.#fd === undefined) {
      this.#dropped++;
      return;
    }
    this.#pending += line;
    if (this.#pending.length >= CHUNK_CHARS) this.flushSync();
    else if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#onImmediate);
    }
  }

  flushSync(): void {
    if (this.#pending === '' || this.#fd === undefined) return;
    const chunk = this.#pending;
    this.#pending = '';
    try {
      // The string form converts in native code, without a Buffer per chunk; a short write (rare on
      // a regular file) finishes from a Buffer.
      let offset = writeSync(this.#fd, chunk);
      if (offset < chunk.length || offset < Buffer.byteLength(chunk)) {
        const bytes = Buffer.from(chunk);
        while (offset < bytes.length) offset += writeSync(this.#fd, bytes, offset);
      }
    } catch (error) {
      this.#failure ??= error as Error;
      this.#dropped += chunk.split('\n').length - 1;
    }
  }

  flush(): Promise<void> {
    this.flushSync();
    if (this.#failure !== undefined) {
      return Promise.reject(
        destinationError(`log file ${this.#path}`, this.#failure, this.#dropped),
      );
    }
    return Promise.resolve();
  }

  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      pendingAtExit.delete(this);
      if (this.#fd !== undefined) closeSync(this.#fd);
      this.#fd = undefined;
    }
  }
}
