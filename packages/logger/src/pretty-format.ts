import { createRequire } from 'node:module';
import type { Span } from '@opentelemetry/api';
import type * as Winston from 'winston';
import { mergeFields, type Bindings } from './bindings.js';
import type { ContextStore } from './context.js';
import type { LineFormatter } from './format.js';
import type { Level } from './levels.js';
import { REDACTED } from './redact.js';
import type { Serializer } from './serialize.js';
import type { TraceReader } from './trace.js';

type Colorize = (level: Level, text: string) => string;

// eslint-disable-next-line no-control-regex -- control characters force quoting
const PLAIN_VALUE = /^[^\s="\\\u0000-\u001f]+$/;
const HIDDEN_KEYS: ReadonlySet<string> = new Set(['service', 'version']);

/** winston's own colorizer (logform), loaded only when the pretty format is chosen. */
function winstonColorize(): Colorize {
  const require = createRequire(import.meta.url);
  const winston = require('winston') as typeof Winston;
  const colorizer = winston.format.colorize();
  return (level, text) => colorizer.colorize(level, text);
}

/**
 * For development terminals: `12:34:56.789 INFO  message key=value …`, coloured by level,
 * with error stacks on the following lines. Redaction applies exactly as in JSON.
 */
export class PrettyFormatter implements LineFormatter {
  readonly #serializer: Serializer;
  readonly #trace: TraceReader;
  readonly #colorize: Colorize;

  constructor(serializer: Serializer, trace: TraceReader, colorize: Colorize = winstonColorize()) {
    this.#serializer = serializer;
    this.#trace = trace;
    this.#colorize = colorize;
  }

  format(
    level: Level,
    message: string,
    bindings: Bindings,
    fields: Readonly<Record<string, unknown>> | undefined,
    store: ContextStore | undefined,
    span: Span | undefined,
  ): string {
    const merged = mergeFields(bindings, store?.fields, this.#trace.ids(span), fields);
    const redactor = this.#serializer.redactor;
    let out =
      time() +
      ' ' +
      this.#colorize(level, level.toUpperCase().padEnd(5)) +
      ' ' +
      redactor.maskString(message);
    let stacks = '';
    for (const key in merged) {
      if (HIDDEN_KEYS.has(key)) continue;
      const value = merged[key];
      let text: string | undefined;
      if (redactor.isSensitiveKey(key)) text = REDACTED;
      else if (value instanceof Error) {
        text = JSON.stringify(redactor.maskString(`${value.name}: ${value.message}`));
        if (typeof value.stack === 'string')
          stacks += '\n    ' + redactor.maskString(value.stack).replace(/\n/g, '\n    ');
      } else if (typeof value === 'string') {
        const masked = redactor.maskString(value);
        text = PLAIN_VALUE.test(masked) ? masked : JSON.stringify(masked);
      } else text = this.#serializer.safeValue(value);
      if (text !== undefined) out += ' \u001b[2m' + key + '=\u001b[22m' + text;
    }
    return out + stacks + '\n';
  }
}

function time(): string {
  const now = new Date();
  return (
    pad(now.getHours(), 2) +
    ':' +
    pad(now.getMinutes(), 2) +
    ':' +
    pad(now.getSeconds(), 2) +
    '.' +
    pad(now.getMilliseconds(), 3)
  );
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}
