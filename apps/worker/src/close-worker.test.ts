import { describe, expect, it } from 'vitest';
import { closeWorker, type ClosableWorker } from './close-worker.js';
import type { LoggerLike } from './types.js';

interface Fake extends ClosableWorker {
  calls: string[];
}

/** A worker whose graceful close finishes after `finishMs` (never, when undefined) unless aborted. */
function fakeWorker(finishMs: number | undefined, { honoursAbort = true } = {}): Fake {
  const calls: string[] = [];
  let finish: () => void = () => undefined;
  const closing = new Promise<void>((resolve) => {
    finish = resolve;
    if (finishMs !== undefined) setTimeout(resolve, finishMs);
  });
  return {
    calls,
    close: (force) => {
      calls.push(`close(${String(force)})`);
      return closing;
    },
    cancelAllJobs: (reason) => {
      calls.push(`cancelAllJobs(${String(reason)})`);
      if (honoursAbort) setTimeout(finish, 10);
    },
    backend: {
      close: (force) => {
        calls.push(`backend.close(${String(force)})`);
        return Promise.resolve();
      },
    },
  };
}

const silent: LoggerLike = {
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
};

describe('closeWorker', () => {
  it('returns graceful when active jobs finish within the grace period, without forcing', async () => {
    const worker = fakeWorker(20);
    expect(await closeWorker(worker, { graceMs: 1_000, logger: silent })).toBe('graceful');
    expect(worker.calls).toEqual(['close(false)']);
  });

  it('past the grace period closes the backend first, then aborts the processors', async () => {
    const worker = fakeWorker(undefined);
    const warnings: Record<string, unknown>[] = [];
    const logger = {
      ...silent,
      warn: (_m: string, f?: Record<string, unknown>) => warnings.push(f ?? {}),
    };
    const started = Date.now();
    const outcome = await closeWorker(worker, {
      graceMs: 50,
      logger,
      activeJobIds: () => ['job-7'],
    });
    expect(outcome).toBe('forced');
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(worker.calls).toEqual([
      'close(false)',
      'backend.close(true)',
      'cancelAllJobs(shutdown deadline reached)',
    ]);
    expect(warnings[0]).toMatchObject({ grace_ms: 50, job_ids: ['job-7'] });
  });

  it('never hangs: gives up after the force wait when a processor ignores its abort signal', async () => {
    const worker = fakeWorker(undefined, { honoursAbort: false });
    const started = Date.now();
    expect(await closeWorker(worker, { graceMs: 50, forceWaitMs: 100, logger: silent })).toBe(
      'abandoned',
    );
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
