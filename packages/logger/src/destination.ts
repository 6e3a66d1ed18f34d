import { LoggerError } from './errors.js';

/** Lines are joined into chunks of about this many characters before one write. */
export const CHUNK_CHARS = 32 * 1024;

/** Where formatted lines go: batched writes, backpressure, and a flush that means "delivered". */
export interface Destination {
  write(line: string): void;
  /** Resolves when every line written before the call has been accepted by the OS. */
  flush(): Promise<void>;
  close(): Promise<void>;
  /** Lines dropped because the destination failed. */
  readonly droppedLines: number;
}

export const pendingAtExit = new Set<{ flushSync(): void }>();
let exitHookInstalled = false;
export function registerExitFlush(target: { flushSync(): void }): void {
  pendingAtExit.add(target);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const item of pendingAtExit) item.flushSync();
  });
}

export function destinationError(
  where: string,
  cause: Error | undefined,
  dropped: number,
): LoggerError {
  return new LoggerError(
    'LOGGER_DESTINATION_FAILED',
    `Writing to ${where} failed (${cause?.message ?? 'unknown error'}); ${dropped} line(s) were dropped. ` +
      'Check that the reader of the log stream is alive (a closed pipe gives EPIPE) and the disk is not full.',
    { cause },
  );
}
