import { Console } from 'node:console';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { adaptLogger, logConvention } from './logger.js';

/** A real node:console Console writing into a string. */
function capturedConsole(): { console: Console; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return {
    console: new Console({ stdout: stream, stderr: stream, colorMode: false }),
    text: () => text,
  };
}

describe('adaptLogger', () => {
  it('calls a message-first logger (message, fields) and turns errors into plain objects', () => {
    const { console: logger, text } = capturedConsole();
    const log = adaptLogger(logger);
    expect(logConvention(logger)).toBe('message-first');
    const cause = new TypeError('socket closed');
    const error = Object.assign(new Error('query failed', { cause }), { code: 'E_DB' });
    log.error('hook failed', { hook: 'db', err: error });
    log.info('plain message');
    const out = text();
    expect(out).toMatch(/^hook failed \{/);
    expect(out).toContain("hook: 'db'");
    expect(out).toContain("type: 'Error'");
    expect(out).toContain("message: 'query failed'");
    expect(out).toContain("code: 'E_DB'");
    expect(out).toContain("type: 'TypeError'");
    expect(out).toContain('plain message\n');
    expect(out).not.toContain('undefined');
  });

  it('calls a fields-first logger (fields, message), detected or declared, and adapts once', () => {
    const calls: unknown[][] = [];
    const record =
      (level: string) =>
      (...args: unknown[]) =>
        calls.push([level, ...args]);
    const fieldsFirst = {
      error: record('error'),
      warn: record('warn'),
      info: record('info'),
      debug: record('debug'),
      addStream: () => undefined, // how bunyan is recognised
    };
    expect(logConvention(fieldsFirst)).toBe('fields-first');
    const log = adaptLogger(fieldsFirst);
    log.warn('slow', { ms: 812 });
    log.debug('no fields');
    const declared = adaptLogger(
      { error: record('e'), warn: record('w'), info: record('i'), debug: record('d') },
      'fields-first',
    );
    declared.info('declared', { a: 1 });
    expect(calls).toEqual([
      ['warn', { ms: 812 }, 'slow'],
      ['debug', 'no fields'],
      ['i', { a: 1 }, 'declared'],
    ]);
    expect(adaptLogger(log)).toBe(log);
  });
});
