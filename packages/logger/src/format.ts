import type { Span } from '@opentelemetry/api';
import type { Bindings } from './bindings.js';
import type { ContextStore } from './context.js';
import type { Level } from './levels.js';

/** Turns one enabled call into one line of text, newline included. */
export interface LineFormatter {
  format(
    level: Level,
    message: string,
    bindings: Bindings,
    fields: Readonly<Record<string, unknown>> | undefined,
    store: ContextStore | undefined,
    span: Span | undefined,
  ): string;
}

/** ISO-8601 UTC with milliseconds, recomputed at most once per millisecond. */
export class Clock {
  #lastMs = -1;
  #lastIso = '';

  now(): string {
    const ms = Date.now();
    if (ms !== this.#lastMs) {
      this.#lastMs = ms;
      this.#lastIso = new Date(ms).toISOString();
    }
    return this.#lastIso;
  }
}
