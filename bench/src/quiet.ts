import { spawnSync } from 'node:child_process';
import { loadAverage1m, othersBusyCores } from './machine.js';

/** One look at how busy the machine was, before the run or before a round. */
export interface LoadCheck {
  /** `before the run`, or `<case> round <n>`. */
  readonly when: string;
  readonly loadAverage1m: number;
  /** Cores' worth of CPU used by everything else during a pause of the benchmark. */
  readonly othersBusyCores: number;
  readonly busy: boolean;
}

export interface QuietOptions {
  /** Above this (load average before the run, others' busy cores at any check) the machine is busy. */
  readonly maxLoad: number;
  /** How long to wait for a busy machine to become quiet before giving up. */
  readonly settleSeconds: number;
  /** Length of the pause over which others' CPU use is measured. */
  readonly windowMs: number;
  /** Go on when busy, marking the run, instead of refusing. */
  readonly allowBusy: boolean;
  readonly log: (line: string) => void;
}

export class MachineBusyError extends Error {
  override readonly name = 'MachineBusyError';
}

const POLL_MS = 5000;

/**
 * Checks that nothing else runs before the run and before every round, waiting up to
 * `settleSeconds` for a busy machine to quiet down. Before the run both the 1-minute load average
 * and a measured pause count; between rounds only the pause does, because the load average still
 * carries the benchmark's own previous round (a 1-minute exponential average).
 */
export class QuietMachine {
  readonly checks: LoadCheck[] = [];
  readonly #options: QuietOptions;

  constructor(options: QuietOptions) {
    this.#options = options;
  }

  get busy(): boolean {
    return this.checks.some((check) => check.busy);
  }

  async check(when: string, beforeRun = false): Promise<LoadCheck> {
    const { maxLoad, settleSeconds, windowMs, allowBusy, log } = this.#options;
    const deadline = performance.now() + settleSeconds * 1000;
    for (;;) {
      const others = await othersBusyCores(windowMs);
      const load = loadAverage1m();
      const busy = others > maxLoad || (beforeRun && load > maxLoad);
      const check: LoadCheck = { when, loadAverage1m: load, othersBusyCores: others, busy };
      const shown = `load average (1 min) ${load.toFixed(2)}, others' CPU ${others.toFixed(2)} cores (limit ${maxLoad})`;
      if (!busy) {
        log(`${when}: ${shown}`);
        this.checks.push(check);
        return check;
      }
      if (performance.now() + POLL_MS > deadline) {
        this.checks.push(check);
        const message = `${when}: the machine is busy: ${shown}, still after waiting ${settleSeconds} s`;
        if (!allowBusy) {
          throw new MachineBusyError(
            `${message}. Figures taken now would not reproduce: stop what else runs, or raise --settle-s; --allow-busy runs anyway and marks the results BUSY.`,
          );
        }
        log(`${message}; going on (--allow-busy), the results are marked BUSY`);
        return check;
      }
      log(`${when}: busy (${shown}); waiting for it to settle`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}

/**
 * Writes every dirty page back to disk (`sync`) before a round or a measurement, so the kernel's
 * writeback of an earlier case's output (the logger cases write gigabytes of log files) does not
 * land on a later one's fsyncs: the orders contenders commit to disk on every request, and their
 * ratio fell round by round while that writeback ran.
 */
export function writeBackDirtyPages(): void {
  spawnSync('sync', { stdio: 'ignore' });
}
