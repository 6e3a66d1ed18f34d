import { ConfigError, exitOnConfigError, loadConfig } from '@shipshape/config';
import { createShutdown, ShutdownConfigError, type ShutdownOptions } from '@shipshape/shutdown';
import { describe, expect, it } from 'vitest';
import { rules, schema } from './config.js';

/** The shutdown package's own options check, without keeping its signal listeners. */
function checkShutdownOptions(options: ShutdownOptions): void {
  createShutdown({ ...options, env: {}, handleUncaught: false }).dispose();
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
    let caught: unknown;
    try {
      checkShutdownOptions({ timeoutMs: 0, drainDelayMs: 0 });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ShutdownConfigError);
    const written: string[] = [];
    const codes: number[] = [];
    expect(() =>
      exitOnConfigError(caught, {
        stderr: { write: (text: string) => written.push(text) },
        exit: (code) => void codes.push(code),
      }),
    ).toThrow();
    expect(codes).toEqual([78]);
    expect(written.join('')).toMatch(
      /^Configuration is invalid \(1 problem\):\n {2}- @shipshape\/shutdown: invalid option "drainDelayMs"/,
    );
  });
});
