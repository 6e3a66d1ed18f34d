import { afterEach, describe, expect, it, vi } from 'vitest';
import { LevelControl } from './level-control.js';

describe('LevelControl', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reverts a global level change exactly when its expiry passes', () => {
    vi.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
    const levels = new LevelControl('info');
    levels.set('debug', { expiresInMs: 60_000 });
    expect(levels.snapshot()).toEqual({
      level: 'debug',
      expiresAt: '2026-01-01T00:01:00.000Z',
      modules: {},
    });
    vi.advanceTimersByTime(59_999);
    expect(levels.threshold(undefined)).toBe(3);
    vi.advanceTimersByTime(1);
    expect(levels.snapshot()).toEqual({ level: 'info', expiresAt: null, modules: {} });
    expect(levels.threshold(undefined)).toBe(2);
  });

  it('reverts a module level to following the global level, and keeps a permanent module level', () => {
    vi.useFakeTimers();
    const levels = new LevelControl('warn');
    levels.set('debug', { module: 'db', expiresInMs: 1000 });
    expect(levels.threshold('db')).toBe(3);
    expect(levels.threshold('http')).toBe(1);
    vi.advanceTimersByTime(1000);
    expect(levels.threshold('db')).toBe(1);
    expect(levels.snapshot().modules).toEqual({});

    levels.set('error', { module: 'db' });
    levels.set('debug', { module: 'db', expiresInMs: 500 });
    vi.advanceTimersByTime(500);
    expect(levels.snapshot().modules).toEqual({ db: { level: 'error', expiresAt: null } });
  });

  it('a new change cancels the pending expiry of the previous one', () => {
    vi.useFakeTimers();
    const levels = new LevelControl('info');
    levels.set('debug', { expiresInMs: 1000 });
    levels.set('error');
    vi.advanceTimersByTime(5000);
    expect(levels.snapshot().level).toBe('error');
  });

  it('bumps version on every change so loggers recompute their threshold', () => {
    vi.useFakeTimers();
    const levels = new LevelControl('info');
    const before = levels.version;
    levels.set('warn');
    levels.set('debug', { expiresInMs: 10 });
    vi.advanceTimersByTime(10);
    expect(levels.version).toBe(before + 3);
  });

  it('rejects bad levels, modules and expiries with a coded error', () => {
    const levels = new LevelControl('info');
    expect(() => levels.set('verbose' as 'info')).toThrow(
      expect.objectContaining({ code: 'LOGGER_INVALID_LEVEL' }),
    );
    expect(() => levels.set('info', { module: '' })).toThrow(
      expect.objectContaining({ code: 'LOGGER_INVALID_OPTIONS' }),
    );
    expect(() => levels.set('info', { expiresInMs: -5 })).toThrow(/expiresInMs/);
    expect(() => levels.set('info', { expiresInMs: 1.5 })).toThrow(/expiresInMs/);
    levels.close();
  });
});
