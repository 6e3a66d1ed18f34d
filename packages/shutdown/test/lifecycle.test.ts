import { afterEach, describe, expect, it } from 'vitest';
import { messages, reap, spawnFixture } from './child.js';
import type { Fixture } from './child.js';

let fixture: Fixture | undefined;
afterEach(() => {
  reap(fixture);
  fixture = undefined;
});

async function start(name: string, env: Record<string, string> = {}): Promise<Fixture> {
  fixture = spawnFixture(name, env);
  await fixture.waitForLine((line) => line.message === 'ready');
  return fixture;
}

function indexOf(list: string[], text: string): number {
  const index = list.findIndex((message) => message.includes(text));
  expect(index, `"${text}" in the log`).toBeGreaterThanOrEqual(0);
  return index;
}

describe('hooks on SIGTERM', () => {
  it('run last-in-first-out, each logged in order, final hooks last, exit 0', async () => {
    const child = await start('hooks.mjs', { DRAIN_DELAY_MS: '200' });
    const sigtermAt = child.kill('SIGTERM');
    const exit = await child.exited;
    expect(exit.code).toBe(0);
    const log = messages(child);
    const order = [
      'draining listener',
      'phase "drain"',
      'hook timer',
      'hook c running',
      'hook b running',
      'hook a running',
      'phase "hooks"',
      'shutdown complete',
      'hook f2 running',
      'hook f1 running',
      'phase "final"',
    ];
    const positions = order.map((text) =>
      indexOf(log, text === 'hook timer' ? 'shutdown hook "timer" finished' : text),
    );
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    // The drain delay passed before the first hook, while the draining listener ran at once.
    const draining = child.lines.find((line) => line.message === 'draining listener')!;
    expect(draining['aborted']).toBe(true);
    expect(draining['state']).toBe('draining');
    expect(draining.t - sigtermAt).toBeLessThan(150);
    const firstHook = child.lines.find((line) => line.message.includes('"timer" finished'))!;
    expect(firstHook.t - sigtermAt).toBeGreaterThanOrEqual(200 - 20);
    // Events for metrics: one per hook with its outcome, one per phase.
    const hookEvents = child.lines
      .filter((line) => line.message === 'event hook')
      .map((line) => `${String(line['hook'])}:${String(line['outcome'])}`);
    expect(hookEvents).toEqual(['timer:ok', 'c:ok', 'b:ok', 'a:ok', 'f2:ok', 'f1:ok']);
    const phaseEvents = child.lines
      .filter((line) => line.message === 'event phase')
      .map((line) => line['phase']);
    expect(phaseEvents).toEqual(['drain', 'hooks', 'final']);
  });

  it('a failing hook is logged with its name and duration, the others still run, exit 1', async () => {
    const child = await start('hooks.mjs', { FAIL: 'b' });
    child.kill('SIGTERM');
    expect((await child.exited).code).toBe(1);
    const failure = child.lines.find((line) => line.level === 'error' && line['hook'] === 'b')!;
    expect(failure.message).toContain('"b" failed');
    expect(typeof failure['durationMs']).toBe('number');
    expect(messages(child).some((m) => m === 'hook a running')).toBe(true);
    expect(messages(child).some((m) => m === 'hook f1 running')).toBe(true);
  });

  it('a hook past its own timeout runs its onTimeout fallback and the next hooks, exit 1', async () => {
    const child = await start('hooks.mjs', { SLOW: 'b', B_TIMEOUT_MS: '300' });
    child.kill('SIGTERM');
    expect((await child.exited).code).toBe(1);
    const log = messages(child);
    expect(indexOf(log, 'hook b running')).toBeLessThan(
      indexOf(log, 'did not finish within its own timeout of 300 ms'),
    );
    expect(indexOf(log, 'fallback b running')).toBeLessThan(indexOf(log, 'hook a running'));
  });

  it('a hook that never resolves: exit 1 at the deadline (±300 ms), the log names it and what keeps the process alive', async () => {
    const child = await start('hooks.mjs', { HANG: 'b', TIMEOUT_MS: '1500' });
    const sigtermAt = child.kill('SIGTERM');
    const exit = await child.exited;
    expect(exit.code).toBe(1);
    expect(Math.abs(exit.at - sigtermAt - 1500)).toBeLessThanOrEqual(300);
    const deadline = child.lines.find((line) =>
      line.message.includes('deadline of 1500 ms passed'),
    )!;
    expect(deadline.level).toBe('error');
    expect(deadline['unfinishedHooks']).toEqual(['b', 'a']);
    expect(deadline['activeResources']).toContain('Timeout');
    expect(
      messages(child).some((m) => m.includes('"b" did not finish within the shutdown deadline')),
    ).toBe(true);
    // Final hooks still ran.
    expect(messages(child)).toContain('hook f1 running');
    expect(messages(child)).not.toContain('hook a running');
  });

  it('a second SIGTERM forces exit 1 at once, with a log line', async () => {
    const child = await start('hooks.mjs', { HANG: 'b', TIMEOUT_MS: '10000' });
    child.kill('SIGTERM');
    await child.waitForLine((line) => line.message === 'hook b running');
    const secondAt = child.kill('SIGTERM');
    const exit = await child.exited;
    expect(exit.code).toBe(1);
    expect(exit.at - secondAt).toBeLessThan(300);
    const forced = child.lines.find((line) => line.message.includes('received SIGTERM again'))!;
    expect(forced.level).toBe('error');
    expect(forced['unfinishedHooks']).toEqual(['b', 'a', 'f2', 'f1']);
  });
});

describe('crashes', () => {
  it.each(['exception', 'rejection'])(
    'an unhandled %s is logged with its stack, then the graceful shutdown runs, exit 1',
    async (kind) => {
      const child = await start('hooks.mjs', { CRASH: kind });
      const exit = await child.exited;
      expect(exit.code).toBe(1);
      const crash = child.lines.find(
        (line) =>
          line.level === 'error' &&
          line.message.includes(kind === 'exception' ? 'uncaughtException' : 'unhandledRejection'),
      )!;
      expect(String(crash['stack'])).toContain(
        kind === 'exception' ? 'boom from a timer' : 'rejected and never handled',
      );
      expect(String(crash['stack'])).toContain('hooks.mjs');
      const log = messages(child);
      expect(indexOf(log, 'hook c running')).toBeLessThan(indexOf(log, 'hook a running'));
      expect(indexOf(log, 'hook a running')).toBeLessThan(indexOf(log, 'hook f1 running'));
    },
  );
});

describe('startup failure', () => {
  it('closes what was registered LIFO, skips the drain delay and exits 1 at once', async () => {
    fixture = spawnFixture('startup-failure.mjs', { DRAIN_DELAY_MS: '2000' });
    const child = fixture;
    const failing = await child.waitForLine((line) => line.message === 'about to fail');
    const exit = await child.exited;
    expect(exit.code).toBe(1);
    // 50 ms of start-up work after the line, then the closes: far below the 2 s drain delay.
    expect(exit.at - failing.t).toBeLessThan(50 + 400);
    const log = messages(child);
    expect(indexOf(log, 'startup failed')).toBeLessThan(indexOf(log, 'closed queue'));
    expect(indexOf(log, 'closed queue')).toBeLessThan(indexOf(log, 'closed database'));
    expect(indexOf(log, 'closed database')).toBeLessThan(indexOf(log, 'final flush'));
    const failed = child.lines.find((line) => line.message.startsWith('startup failed'))!;
    expect(failed['registeredHooks']).toEqual(['queue', 'database']);
    expect(JSON.stringify(failed['err'])).toContain('cannot reach the payment provider');
  });
});
