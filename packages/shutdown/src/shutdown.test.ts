import { describe, expect, it } from 'vitest';
import { createShutdown } from './shutdown.js';
import type { ShutdownOptions } from './options.js';
import type { HookEvent, ShutdownLogger, PhaseEvent } from './types.js';

interface Recorded {
  readonly level: string;
  readonly message: string;
  readonly fields: Record<string, unknown> | undefined;
}

function setup(options: ShutdownOptions = {}) {
  const log: Recorded[] = [];
  const record =
    (level: string) =>
    (message: string, fields?: Record<string, unknown>): void => {
      log.push({ level, message, fields });
    };
  const logger: ShutdownLogger = {
    error: record('error'),
    warn: record('warn'),
    info: record('info'),
    debug: record('debug'),
  };
  const exits: number[] = [];
  const shutdown = createShutdown({
    logger,
    signals: [],
    handleUncaught: false,
    env: {},
    exit: (code) => exits.push(code),
    ...options,
  });
  return { shutdown, log, exits };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('createShutdown', () => {
  it('goes running → draining → stopping → stopped, aborts its signal and runs hooks LIFO', async () => {
    const { shutdown, exits } = setup({ drainDelayMs: 50 });
    const seen: string[] = [];
    shutdown.onDraining(() => seen.push(`draining:${shutdown.state}`));
    shutdown.add('db', () => seen.push(`db:${shutdown.state}`));
    shutdown.add('server', async () => {
      await sleep(5);
      seen.push('server');
    });
    shutdown.addFinal('flush', () => seen.push('flush'));
    expect(shutdown.state).toBe('running');
    expect(shutdown.signal.aborted).toBe(false);
    const done = shutdown.shutdown('test');
    expect(shutdown.state).toBe('draining');
    expect(shutdown.signal.aborted).toBe(true);
    expect((shutdown.signal.reason as Error).name).toBe('AbortError');
    expect(seen).toEqual(['draining:draining']);
    await done;
    expect(seen).toEqual(['draining:draining', 'server', 'db:stopping', 'flush']);
    expect(shutdown.state).toBe('stopped');
    expect(exits).toEqual([0]);
  });

  it('a second programmatic call returns the same run', async () => {
    const { shutdown, exits } = setup();
    let runs = 0;
    shutdown.add('count', () => (runs += 1));
    await Promise.all([shutdown.shutdown(), shutdown.shutdown()]);
    expect(runs).toBe(1);
    expect(exits).toEqual([0]);
  });

  it('emits phase and hook events with outcomes and durations', async () => {
    const { shutdown, exits } = setup({ hookTimeoutMs: 50 });
    const phases: PhaseEvent[] = [];
    const hooks: HookEvent[] = [];
    shutdown.on('phase', (event) => phases.push(event)).on('hook', (event) => hooks.push(event));
    shutdown.add('slow', () => sleep(1000));
    shutdown.add('broken', () => {
      throw new Error('nope');
    });
    shutdown.add('fine', () => undefined);
    shutdown.addFinal('flush', () => undefined);
    await shutdown.shutdown();
    expect(hooks.map((e) => [e.hook, e.outcome, e.final])).toEqual([
      ['fine', 'ok', false],
      ['broken', 'error', false],
      ['slow', 'timeout', false],
      ['flush', 'ok', true],
    ]);
    expect(hooks[2]!.durationMs).toBeGreaterThanOrEqual(45);
    expect((hooks[1]!.error as Error).message).toBe('nope');
    expect(phases.map((e) => e.phase)).toEqual(['drain', 'hooks', 'final']);
    expect(exits).toEqual([1]);
  });

  it('a throwing event listener is logged and does not break the shutdown', async () => {
    const { shutdown, exits, log } = setup();
    shutdown.on('hook', () => {
      throw new Error('metrics broke');
    });
    shutdown.add('a', () => undefined);
    await shutdown.shutdown();
    expect(exits).toEqual([0]);
    expect(log.some((r) => r.level === 'error' && r.message.includes('listener threw'))).toBe(true);
  });

  it('cuts a hook at the overall deadline, runs its fallback, skips the rest, still runs final hooks', async () => {
    const { shutdown, exits, log } = setup({ timeoutMs: 150 });
    const seen: string[] = [];
    shutdown.add('never-runs', () => seen.push('never-runs'));
    shutdown.add('hangs', () => new Promise(() => undefined), {
      onTimeout: () => seen.push('fallback'),
    });
    shutdown.addFinal('flush', () => seen.push('flush'));
    const startedAt = performance.now();
    await shutdown.shutdown();
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(140);
    expect(seen).toEqual(['fallback', 'flush']);
    expect(exits).toEqual([1]);
    const deadline = log.find((r) => r.message.includes('deadline of 150 ms passed'))!;
    expect(deadline.fields!['unfinishedHooks']).toEqual(['hangs', 'never-runs']);
    expect(Array.isArray(deadline.fields!['activeResources'])).toBe(true);
  });

  it('bounds final hooks by finalTimeoutMs', async () => {
    const { shutdown, exits } = setup({ finalTimeoutMs: 50 });
    shutdown.addFinal('stuck flush', () => new Promise(() => undefined));
    const startedAt = performance.now();
    await shutdown.shutdown();
    expect(performance.now() - startedAt).toBeLessThan(1000);
    expect(exits).toEqual([1]);
  });

  it('startup: a throw closes what was registered LIFO, exits 1 and rethrows', async () => {
    const { shutdown, exits } = setup({ drainDelayMs: 5000, timeoutMs: 10_000 });
    const seen: string[] = [];
    const startedAt = performance.now();
    await expect(
      shutdown.startup(async () => {
        shutdown.add('db', () => seen.push('db'));
        shutdown.add('redis', () => seen.push('redis'));
        await sleep(1);
        throw new Error('migration failed');
      }),
    ).rejects.toThrow('migration failed');
    expect(performance.now() - startedAt).toBeLessThan(1000);
    expect(seen).toEqual(['redis', 'db']);
    expect(exits).toEqual([1]);
  });

  it('startup: returns the value when it succeeds', async () => {
    const { shutdown, exits } = setup();
    await expect(shutdown.startup(() => Promise.resolve(42))).resolves.toBe(42);
    expect(exits).toEqual([]);
    shutdown.dispose();
  });

  it('unregisters a hook and ignores hooks registered once stopping', async () => {
    const { shutdown, log } = setup();
    const seen: string[] = [];
    const remove = shutdown.add('removed', () => seen.push('removed'));
    remove();
    shutdown.add('late-registrar', () => {
      shutdown.add('too late', () => seen.push('too late'));
    });
    await shutdown.shutdown();
    expect(seen).toEqual([]);
    expect(
      log.some(
        (r) => r.level === 'warn' && r.message.includes('"too late" registered while stopping'),
      ),
    ).toBe(true);
  });

  it('listens for signals and uncaught errors only until disposed', () => {
    const before = process.listenerCount('SIGUSR2');
    const beforeUncaught = process.listenerCount('uncaughtException');
    const { shutdown } = setup({ signals: ['SIGUSR2'], handleUncaught: true });
    expect(process.listenerCount('SIGUSR2')).toBe(before + 1);
    expect(process.listenerCount('uncaughtException')).toBe(beforeUncaught + 1);
    shutdown.dispose();
    expect(process.listenerCount('SIGUSR2')).toBe(before);
    expect(process.listenerCount('uncaughtException')).toBe(beforeUncaught);
  });
});
