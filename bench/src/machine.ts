import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly platform: string;
  /** How the processes of a measurement are placed on cores. */
  readonly pinning: string;
}

/**
 * Where each kind of process runs: `server` for the measured process, `load` for whatever drives
 * or reads it (load generator, scraper, the runner itself). With fewer than two cores, or without
 * `taskset`, nothing is pinned and both are empty.
 */
export interface Pinning {
  readonly server: readonly string[];
  readonly load: readonly string[];
  readonly description: string;
}

/** The cores this process may run on, from Cpus_allowed_list (`0-1,4`), in order. */
function allowedCores(): number[] {
  try {
    const line = /^Cpus_allowed_list:\s*(.+)$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    const cores: number[] = [];
    for (const part of (line?.[1] ?? '').split(',')) {
      const [from = '', to = from] = part.trim().split('-');
      for (let core = Number(from); core <= Number(to); core++) cores.push(core);
    }
    return cores.filter((core) => Number.isInteger(core));
  } catch {
    return [];
  }
}

export function planPinning(): Pinning {
  const cores = allowedCores();
  const hasTaskset = spawnSync('taskset', ['--version'], { stdio: 'ignore' }).status === 0;
  const [server, load] = cores;
  if (availableParallelism() < 2 || server === undefined || load === undefined || !hasTaskset) {
    return {
      server: [],
      load: [],
      description: hasTaskset
        ? `not pinned: fewer than 2 cores available`
        : 'not pinned: taskset is not installed (util-linux)',
    };
  }
  return {
    server: ['taskset', '-c', String(server)],
    load: ['taskset', '-c', String(load)],
    description: `measured process on core ${server}; load generator, scraper and runner on core ${load} (taskset)`,
  };
}

/**
 * Moves this process (every thread) to the load core, so in-process clients stay off the server's.
 * Describe the machine first: afterwards this process sees one core.
 */
export function pinSelf(pinning: Pinning): void {
  const core = pinning.load[2];
  if (core === undefined) return;
  const result = spawnSync('taskset', ['-apc', core, String(process.pid)], { stdio: 'ignore' });
  if (result.status !== 0) throw new Error(`taskset -apc ${core} ${process.pid} failed`);
}

export function describeMachine(pinning: Pinning): Machine {
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    pinning: pinning.description,
  };
}

/** The 1-minute load average. */
export const loadAverage1m = (): number => loadavg()[0] ?? Number.NaN;

/** Busy and total jiffies of all CPUs together, from /proc/stat. */
function cpuTimes(): { busy: number; total: number; cpus: number } {
  const lines = readFileSync('/proc/stat', 'utf8').split('\n');
  const line = lines[0] ?? '';
  const cpus = lines.filter((entry) => /^cpu\d/.test(entry)).length;
  const [, ...fields] = line.trim().split(/\s+/).map(Number);
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] =
    fields;
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait, cpus };
}

/**
 * How many cores' worth of CPU the rest of the machine used over `windowMs` while this benchmark
 * was idle (steal included: a neighbour on the same host is load too). Unlike the load average,
 * it does not remember the benchmark's own previous round.
 */
export async function othersBusyCores(windowMs: number): Promise<number> {
  const before = cpuTimes();
  await new Promise((resolve) => setTimeout(resolve, windowMs));
  const after = cpuTimes();
  const total = after.total - before.total;
  if (total <= 0) return Number.NaN;
  // Every CPU of the machine, not just those this (pinned) process may use.
  return ((after.busy - before.busy) / total) * after.cpus;
}
