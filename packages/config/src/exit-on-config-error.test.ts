import { describe, expect, it } from 'vitest';
import { ConfigError, isConfigError } from './config-error.js';
import { EX_CONFIG, exitOnConfigError } from './exit-on-config-error.js';
import { loadConfigOrExit } from './load-config-or-exit.js';

function capture() {
  const written: string[] = [];
  const codes: number[] = [];
  return {
    written,
    codes,
    options: {
      stderr: { write: (text: string) => written.push(text) },
      exit: (code: number) => void codes.push(code),
    },
  };
}

describe('exitOnConfigError', () => {
  it('prints every problem on stderr and exits 78', () => {
    const error = new ConfigError([
      { key: 'a', env: 'A', format: 'port', received: '"x"', source: 'env A', message: 'a: bad' },
      {
        key: 'b',
        env: 'B',
        format: 'url',
        received: '[REDACTED]',
        source: 'env B',
        message: 'b: bad',
      },
    ]);
    const { written, codes, options } = capture();
    expect(() => exitOnConfigError(error, options)).toThrow(error);
    expect(codes).toEqual([78]);
    expect(EX_CONFIG).toBe(78);
    expect(written.join('')).toBe(
      'Configuration is invalid (2 problems):\n  - a: bad\n  - b: bad\n' +
        'Fix these in the environment variables, the files named by CONFIG_FILE, or the --key=value arguments, then restart.\n' +
        'Exiting with code 78 (EX_CONFIG).\n',
    );
  });

  it('rethrows anything that is not a ConfigError without printing or exiting', () => {
    const { written, codes, options } = capture();
    const other = new TypeError('boom');
    expect(() => exitOnConfigError(other, options)).toThrow(other);
    expect(written).toEqual([]);
    expect(codes).toEqual([]);
  });

  it('loadConfigOrExit returns the config, or exits 78 on a bad one', () => {
    const schema = { s: { port: { format: 'port', default: 1 } } } as const;
    const ok = capture();
    expect(loadConfigOrExit(schema, { env: {}, argv: [], ...ok.options }).s.port).toBe(1);
    expect(ok.codes).toEqual([]);
    const bad = capture();
    expect(() =>
      loadConfigOrExit(schema, { env: { S_PORT: 'x' }, argv: [], ...bad.options }),
    ).toThrow(ConfigError);
    expect(bad.codes).toEqual([78]);
    expect(bad.written.join('')).toContain('s.port: expected a TCP port');
  });

  it('recognises a ConfigError from another copy of the package by its shape', () => {
    const foreign = Object.assign(new Error('Configuration is invalid (1 problem)'), {
      code: 'CONFIG_INVALID',
      problems: [],
    });
    const { codes, options } = capture();
    expect(isConfigError(foreign)).toBe(true);
    expect(isConfigError(Object.assign(new Error('x'), { code: 'CONFIG_INVALID' }))).toBe(false);
    expect(() => exitOnConfigError(foreign, options)).toThrow(foreign);
    expect(codes).toEqual([78]);
  });

  it("reports another package's options error (code ending in _CONFIG_INVALID) the same way", () => {
    class OptionsError extends Error {
      readonly code = 'SHUTDOWN_CONFIG_INVALID';
    }
    const error = new OptionsError(
      'invalid option "timeoutMs": 0 is too small; fetched from postgres://app:pw@db/x',
    );
    const { written, codes, options } = capture();
    expect(() => exitOnConfigError(error, options)).toThrow(error);
    expect(codes).toEqual([78]);
    expect(written.join('')).toBe(
      'Configuration is invalid (1 problem):\n' +
        '  - invalid option "timeoutMs": 0 is too small; fetched from postgres://app:[REDACTED]@db/x\n' +
        'Fix these in the environment variables, the files named by CONFIG_FILE, or the --key=value arguments, then restart.\n' +
        'Exiting with code 78 (EX_CONFIG).\n',
    );
    const schemaMistake = Object.assign(new Error('x'), { code: 'CONFIG_SCHEMA_INVALID' });
    expect(() => exitOnConfigError(schemaMistake, options)).toThrow(schemaMistake);
    expect(codes).toEqual([78]);
  });

  it.each([
    'LOGGER_INVALID_OPTIONS',
    'METRICS_INVALID_OPTIONS',
    'TELEMETRY_INVALID_OPTIONS',
    'HEALTH_INVALID_OPTION',
  ])("reports another package's options error with code %s the same way", (code) => {
    const error = Object.assign(
      new Error('createLogger: maxModuleLevels must be a whole number from 1, got 0.'),
      { code },
    );
    const { written, codes, options } = capture();
    expect(() => exitOnConfigError(error, options)).toThrow(error);
    expect(codes).toEqual([78]);
    expect(written.join('')).toBe(
      'Configuration is invalid (1 problem):\n' +
        '  - createLogger: maxModuleLevels must be a whole number from 1, got 0.\n' +
        'Fix these in the environment variables, the files named by CONFIG_FILE, or the --key=value arguments, then restart.\n' +
        'Exiting with code 78 (EX_CONFIG).\n',
    );
    expect(written.join('')).not.toContain('    at ');
  });

  it.each([
    'LOGGER_INVALID_LEVEL',
    'LOGGER_LIMIT_EXCEEDED',
    'HEALTH_INVALID_CHECK',
    'INVALID_OPTIONS',
    'logger_invalid_options',
    'LOGGER_INVALID_OPTIONS_X',
  ])('rethrows an error with code %s: not an options error', (code) => {
    const error = Object.assign(new Error('x'), { code });
    const { written, codes, options } = capture();
    expect(() => exitOnConfigError(error, options)).toThrow(error);
    expect(written).toEqual([]);
    expect(codes).toEqual([]);
  });
});
