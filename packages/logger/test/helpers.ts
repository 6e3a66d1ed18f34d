import { Writable } from 'node:stream';

/** A destination that keeps every chunk, optionally acknowledging writes late to create backpressure. */
export class Capture extends Writable {
  readonly chunks: string[] = [];

  constructor(options: { delayMs?: number; highWaterMark?: number } = {}) {
    const delayMs = options.delayMs;
    super({
      highWaterMark: options.highWaterMark ?? 16 * 1024,
      decodeStrings: false,
      write: (chunk: unknown, _encoding, callback) => {
        this.chunks.push(String(chunk));
        if (delayMs === undefined) callback();
        else setTimeout(callback, delayMs);
      },
    });
  }

  get text(): string {
    return this.chunks.join('');
  }

  lines(): Record<string, unknown>[] {
    return this.text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}
