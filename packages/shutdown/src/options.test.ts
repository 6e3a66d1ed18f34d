import { describe, expect, it } from 'vitest';
import { ShutdownConfigError } from './errors.js';
import { DEFAULTS, resolveShutdownOptions } from './options.js';

describe('resolveShutdownOptions', () => {
  it('applies the defaults outside Kubernetes', () => {
    const resolved = resolveShutdownOptions({ env: {} });
    expect(resolved.drainDelayMs).toBe(0);
    expect(resolved.timeoutMs).toBe(25_000);
    expect(resolved.hookTimeoutMs).toBe(25_000);
    expect(resolved.finalTimeoutMs).toBe(2000);
    expect(resolved.socketIdleMs).toBe(250);
    expect(resolved.signals).toEqual(['SIGTERM', 'SIGINT']);
    expect(resolved.handleUncaught).toBe(true);
    expect(resolved.exit).toBe(DEFAULTS.exit);
  });

  it('waits 5 s by default when KUBERNETES_SERVICE_HOST is set', () => {
    expect(
      resolveShutdownOptions({ env: { KUBERNETES_SERVICE_HOST: '10.0.0.1' } }).drainDelayMs,
    ).toBe(5000);
    expect(resolveShutdownOptions({ env: { KUBERNETES_SERVICE_HOST: '' } }).drainDelayMs).toBe(0);
  });

  it('rejects a duration a timer cannot hold (it would fire at once) and accepts the largest one', () => {
    expect(() => resolveShutdownOptions({ env: {}, timeoutMs: 99_999_999_999 })).toThrow(
      /timeoutMs.*from 0 to 2147483647/,
    );
    expect(() => resolveShutdownOptions({ env: {}, hookTimeoutMs: 2_147_483_648 })).toThrow(
      ShutdownConfigError,
    );
    expect(resolveShutdownOptions({ env: {}, timeoutMs: 2_147_483_647 }).timeoutMs).toBe(
      2_147_483_647,
    );
  });

  it('hookTimeoutMs defaults to timeoutMs', () => {
    expect(resolveShutdownOptions({ env: {}, timeoutMs: 9000 }).hookTimeoutMs).toBe(9000);
  });

  it('rejects a drain delay not smaller than the deadline with a coded error that says what to do', () => {
    for (const drainDelayMs of [25_000, 30_000]) {
      let caught: unknown;
      try {
        resolveShutdownOptions({ env: {}, drainDelayMs });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ShutdownConfigError);
      const error = caught as ShutdownConfigError;
      expect(error.code).toBe('SHUTDOWN_CONFIG_INVALID');
      expect(error.option).toBe('drainDelayMs');
      expect(error.message).toContain(`drain delay (${drainDelayMs} ms)`);
      expect(error.message).toContain('SHUTDOWN_TIMEOUT');
    }
    // The Kubernetes default is checked too.
    expect(() =>
      resolveShutdownOptions({ env: { KUBERNETES_SERVICE_HOST: 'x' }, timeoutMs: 4000 }),
    ).toThrow(ShutdownConfigError);
  });

  it('rejects negative, non-finite and unknown options', () => {
    expect(() => resolveShutdownOptions({ timeoutMs: -1 })).toThrow(/timeoutMs/);
    expect(() => resolveShutdownOptions({ hookTimeoutMs: Number.NaN })).toThrow(/hookTimeoutMs/);
    expect(() => resolveShutdownOptions({ timeoutsMs: 5 } as never)).toThrow(/unknown option/);
  });

  it('accepts timeout / drainDelay from @shipshape/config and refuses conflicting values', () => {
    const resolved = resolveShutdownOptions({ env: {}, timeout: 10_000, drainDelay: 3000 });
    expect(resolved.timeoutMs).toBe(10_000);
    expect(resolved.drainDelayMs).toBe(3000);
    expect(() => resolveShutdownOptions({ env: {}, timeout: 10_000, timeoutMs: 9000 })).toThrow(
      /alias/,
    );
  });
});
