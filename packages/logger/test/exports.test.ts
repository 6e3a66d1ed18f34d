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
});
