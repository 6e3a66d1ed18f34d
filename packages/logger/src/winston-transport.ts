import { createRequire } from 'node:module';
import type * as Winston from 'winston';
import type { Level } from './levels.js';
import type { Logger } from './logger.js';

/** winston's npm levels folded onto ours. */
const FROM_NPM: Readonly<Record<string, Level>> = {
  error: 'error',
  warn: 'warn',
  info: 'info',
  http: 'info',
  verbose: 'debug',
  debug: 'debug',
  silly: 'debug',
};

const LEVEL = Symbol.for('level');

/**
 * A winston transport that hands every winston line to a shipshape logger, so an existing
 * `winston.createLogger(...)` gains request/trace context, redaction and a lossless `flush()`
 * without touching its call sites. Unknown levels are written at info.
 */
export function winstonTransport(logger: Logger): Winston.transport {
  const require = createRequire(import.meta.url);
  // winston exports the winston-transport class at run time as `Transport`; its typings only as a namespace.
  const { Transport } = require('winston') as { Transport: new () => Winston.transport };

  class ShipshapeTransport extends Transport {
    override log(info: Record<string | symbol, unknown>, next: () => void): void {
      const { level: _level, message, ...fields } = info;
      const raw = info[LEVEL] ?? info.level;
      const level = (typeof raw === 'string' ? FROM_NPM[raw] : undefined) ?? 'info';
      logger[level](typeof message === 'string' ? message : String(message), fields);
      next();
    }
  }
  return new ShipshapeTransport();
}
