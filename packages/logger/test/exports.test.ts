import { describe, expect, it } from 'vitest';

describe('package exports (built dist, as apps import it)', () => {
  it('exposes every name contracts.md promises', async () => {
    // A computed specifier keeps typecheck independent of whether dist/ was built yet.
    const entry = '../dist/index.js';
    const mod = (await import(entry)) as Record<string, unknown>;
    for (const name of [
      'createLogger',
      'runWithContext',
      'getContext',
      'requestContext',
      'runInJobContext',
      'accessLog',
      'logLevelHandler',
      'winstonTransport',
    ]) {
      expect(typeof mod[name], name).toBe('function');
    }
    const createLogger = mod.createLogger as (options: {
      service: string;
      destination: NodeJS.WritableStream;
    }) => Record<string, unknown>;
    const { Writable } = await import('node:stream');
    const logger = createLogger({
      service: 'x',
      destination: new Writable({ write: (_c, _e, cb) => cb() }),
    });
    for (const method of [
      'error',
      'warn',
      'info',
      'debug',
      'child',
      'setLevel',
      'getLevels',
      'isLevelEnabled',
      'flush',
      'close',
    ]) {
      expect(typeof logger[method], method).toBe('function');
    }
  });

  it('keeps the root small and the defaults on their own entry point', async () => {
    const rootEntry = '../dist/index.js';
    const root = (await import(rootEntry)) as Record<string, unknown>;
    expect(Object.keys(root).sort()).toEqual([
      'LoggerError',
      'accessLog',
      'createLogger',
      'getContext',
      'isLoggerError',
      'logLevelHandler',
      'requestContext',
      'runInJobContext',
      'runWithContext',
      'winstonTransport',
    ]);
    const defaultsEntry = '../dist/defaults.js';
    const defaults = (await import(defaultsEntry)) as Record<string, unknown>;
    expect(Object.keys(defaults).sort()).toEqual([
      'ACCESS_LOG_DEFAULTS',
      'DEFAULTS',
      'DEFAULT_REDACT_KEYS',
      'LOG_LEVEL_HANDLER_DEFAULTS',
      'REQUEST_CONTEXT_DEFAULTS',
      'isValidRequestId',
    ]);
    const isLoggerError = root.isLoggerError as (error: unknown) => boolean;
    const foreign = Object.assign(new Error('x'), { name: 'LoggerError', code: 'LOGGER_CLOSED' });
    expect(isLoggerError(foreign)).toBe(true);
    expect(isLoggerError(Object.assign(new Error('x'), { code: 'LOGGER_CLOSED' }))).toBe(false);
    expect(isLoggerError('LoggerError')).toBe(false);
  });
});
