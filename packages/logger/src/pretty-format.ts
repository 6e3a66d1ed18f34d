import { createRequire } from 'node:module';
import type { Span } from '@opentelemetry/api';
import type * as Winston from 'winston';
import { HEAD_KEYS, mergeFields, type Bindings } from './bindings.js';
import type { ContextStore } from './context.js';
import type { LineFormatter } from './format.js';
import type { Level } from './levels.js';
import { REDACTED } from './redact.js';
import type { Serializer } from './serialize.js';
import type { TraceReader } from './trace.js';

type Colorize = (level: Level, text: string) => string;

// eslint-disable-next-line no-control-regex -- control characters force quoting
const PLAIN_VALUE = /^[^\s="\\\u0000-\u001f]+$/;
/** Objects whose JSON is longer than this are dumped below the line, one member per line. */
export const INLINE_OBJECT_CHARS = 60;
const INDENT = '    ';

/** winston's own colorizer (logform), loaded only when the pretty format writes colour. */
function winstonColorize(): Colorize {
  const require = createRequire(import.meta.url);
  const winston = require('winston') as typeof Winston;
  const colorizer = winston.format.colorize();
  return (level, text) => colorizer.colorize(level, text);
}

export interface PrettyOptions {
  /** Write ANSI colours (decided by `useColor`: a terminal, NO_COLOR, FORCE_COLOR). */
  readonly color: boolean;
}

/**
 * For development terminals: `12:34:56.789 INFO  [api] message key=value …`, the level coloured
 * on a terminal, error stacks and large objects on the following lines, indented. Redaction
 * applies exactly as in JSON.
 */
export class PrettyFormatter implements LineFormatter {
  readonly #serializer: Serializer;
  readonly #trace: TraceReader;
  readonly #colorize: Colorize | undefined;

  constructor(serializer: Serializer, trace: TraceReader, options: PrettyOptions) {
    this.#serializer = serializer;
    this.#trace = trace;
    this.#colorize = options.color ? winstonColorize() : undefined;
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
    const colorize = this.#colorize;
    const label = level.toUpperCase().padEnd(5);
    let out =
      time() +
      ' ' +
      (colorize === undefined ? label : colorize(level, label)) +
      ' [' +
      String(merged.service) +
      '] ' +
      redactor.maskString(message);
    let below = '';
    for (const key in merged) {
      if (HEAD_KEYS.has(key)) continue;
      const value = merged[key];
      let text: string | undefined;
      if (redactor.isSensitiveKey(key)) text = REDACTED;
      else if (value instanceof Error) {
        text = JSON.stringify(redactor.maskString(`${value.name}: ${value.message}`));
        if (typeof value.stack === 'string')
          below += '\n' + INDENT + redactor.maskString(value.stack).replace(/\n/g, '\n' + INDENT);
      } else if (typeof value === 'string') {
        const masked = redactor.maskString(value);
        text = PLAIN_VALUE.test(masked) ? masked : JSON.stringify(masked);
      } else {
        text = this.#serializer.safeValue(value);
        if (text !== undefined && text.length > INLINE_OBJECT_CHARS && /^[[{]/.test(text)) {
          below += '\n' + INDENT + this.#key(key) + ':' + dump(JSON.parse(text), INDENT + '  ');
          continue;
        }
      }
      if (text !== undefined) out += ' ' + this.#key(key) + '=' + text;
    }
    return out + below + '\n';
  }

  #key(key: string): string {
    return this.#colorize === undefined ? key : '\u001b[2m' + key + '\u001b[22m';
  }
}

/** A JSON value as indented `key: value` lines (objects) and `- item` lines (arrays). */
function dump(value: unknown, indent: string): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return ' []';
    return value.map((item) => '\n' + indent + '-' + dump(item, indent + '  ')).join('');
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value);
    if (entries.length === 0) return ' {}';
    return entries
      .map(([key, item]) => '\n' + indent + plain(key) + ':' + dump(item, indent + '  '))
      .join('');
  }
  return ' ' + (typeof value === 'string' ? plain(value) : String(value));
}

function plain(text: string): string {
  return PLAIN_VALUE.test(text) ? text : JSON.stringify(text);
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
