import { ConfigError, exitOnConfigError, loadConfig } from '@shipshape/config';
import { createShutdown, ShutdownConfigError, type ShutdownOptions } from '@shipshape/shutdown';
import { createLogger } from '@shipshape/logger';
import { DEFAULTS, LOG_LEVEL_HANDLER_DEFAULTS } from '@shipshape/logger/defaults';
import { reportThroughExit, type ExitReport } from '@shipshape/testkit';
import { describe, expect, it } from 'vitest';
import { rules, schema } from './config.js';

/** The shutdown package's own options check, without keeping its signal listeners. */
function checkShutdownOptions(options: ShutdownOptions): void {
  createShutdown({ ...options, env: {}, handleUncaught: false }).dispose();
}

/** What `exitOnConfigError` makes of the error `fail` throws: the exit codes asked for and the text written. */
function reportedAsConfigError(fail: () => unknown): ExitReport {
  const report = reportThroughExit(fail, exitOnConfigError);
  expect(report.threw).toBe(true);
  return report;
}

const load = (env: Record<string, string>) =>
  loadConfig(schema, { env, argv: [], files: [], rules });

function accepted(env: Record<string, string>): boolean {
  try {
    load(env);
    return true;
  } catch (error) {
    if (error instanceof ConfigError) return false;
    throw error;
  }
}

describe('API configuration', () => {
  it('binds the admin listener to loopback and asks for no token by default', () => {
    expect(load({}).admin).toEqual({ host: '127.0.0.1', port: 9464, token: '' });
  });

  it.each([
    ['0', '0', false],
    ['1ms', '0', true],
    ['25s', '25s', false],
    ['25s', '24999ms', true],
    ['29999ms', '0', true],
    ['30s', '0', false],
    ['99999999999', '0', false],
  ] as const)(
    'timeout %s, drain delay %s: accepted %s, and never looser than @shipshape/shutdown’s own check',
    (timeout, drainDelay, verdict) => {
      const env = { SHUTDOWN_TIMEOUT: timeout, SHUTDOWN_DRAIN_DELAY: drainDelay };
      expect(accepted(env)).toBe(verdict);
      if (!verdict) return;
      const config = load(env);
      expect(() =>
        checkShutdownOptions({
          timeoutMs: config.shutdown.timeout,
          drainDelayMs: config.shutdown.drainDelay,
        }),
      ).not.toThrow();
    },
  );

  it('reports the package’s own check, should it ever fire, as a config error: one message, exit 78', () => {
    const { caught, codes, text } = reportedAsConfigError(() =>
      checkShutdownOptions({ timeoutMs: 0, drainDelayMs: 0 }),
    );
    expect(caught).toBeInstanceOf(ShutdownConfigError);
    expect(codes).toEqual([78]);
    expect(text).toMatch(
      /^Configuration is invalid \(1 problem\):\n {2}- @shipshape\/shutdown: invalid option "drainDelayMs"/,
    );
  });
});

describe('log-level change bounds (LOG_MAX_MODULE_LEVELS, LOG_LEVEL_CHANGE_EXPIRY, LOG_LEVEL_CHANGE_MAX_EXPIRY)', () => {
  it('default to what the logger uses without them (one source of truth per default)', () => {
    const { log } = load({});
    expect(log.maxModuleLevels).toBe(DEFAULTS.maxModuleLevels);
    expect(log.levelChangeExpiry).toBe(LOG_LEVEL_HANDLER_DEFAULTS.defaultExpiresInMs);
    expect(log.levelChangeMaxExpiry).toBe(LOG_LEVEL_HANDLER_DEFAULTS.maxExpiresInMs);
  });

  it('are read from the environment, and refused out of range or contradicting each other', () => {
    expect(
      load({
        LOG_MAX_MODULE_LEVELS: '100',
        LOG_LEVEL_CHANGE_EXPIRY: '1h',
        LOG_LEVEL_CHANGE_MAX_EXPIRY: '1h',
      }).log,
    ).toMatchObject({
      maxModuleLevels: 100,
      levelChangeExpiry: 3_600_000,
      levelChangeMaxExpiry: 3_600_000,
    });
    for (const [env, key] of [
      [{ LOG_MAX_MODULE_LEVELS: '0' }, 'log.maxModuleLevels'],
      [{ LOG_MAX_MODULE_LEVELS: '101' }, 'log.maxModuleLevels'],
      [{ LOG_LEVEL_CHANGE_EXPIRY: '0' }, 'log.levelChangeExpiry'],
      [{ LOG_LEVEL_CHANGE_MAX_EXPIRY: '25d' }, 'log.levelChangeMaxExpiry'],
      [
        { LOG_LEVEL_CHANGE_EXPIRY: '2h', LOG_LEVEL_CHANGE_MAX_EXPIRY: '1h' },
        'log.levelChangeExpiry',
      ],
    ] as const) {
      expect(() => load(env), JSON.stringify(env)).toThrow(new RegExp(key.replace('.', '\\.')));
    }
  });

  it('reports the logger’s own options check, should it ever fire, as a config error: one message, exit 78', () => {
    const { caught, codes, text } = reportedAsConfigError(() =>
      createLogger({ service: 'test', maxModuleLevels: -1 }),
    );
    expect(caught).toMatchObject({ code: 'LOGGER_INVALID_OPTIONS' });
    expect(codes).toEqual([78]);
    expect(text).toMatch(
      /^Configuration is invalid \(1 problem\):\n {2}- createLogger: maxModuleLevels must be a whole number/,
    );
    expect(text).not.toContain('    at ');
  });
});
