import { spawnSync } from 'node:child_process';
import type { Pinning } from './machine.js';

/** Local servers a case talks to, by process name. */
export const LOCAL_SERVICES = ['postgres', 'redis-server'] as const;

/** What pinning the local services did, for the case's description. */
export interface ServicePlacement {
  readonly description: string;
  /** Puts every process of the services back on the cores it had. */
  restore(): void;
}

const pidsOf = (name: string): number[] =>
  spawnSync('pgrep', ['-x', name], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter((line) => line.trim() !== '')
    .map(Number)
    .sort((a, b) => a - b);

/** The affinity mask of a process as taskset prints it (hex), or undefined when it cannot be read. */
function maskOf(pid: number): string | undefined {
  const result = spawnSync('taskset', ['-p', String(pid)], { encoding: 'utf8' });
  return /mask:\s*([0-9a-f]+)/i.exec(result.stdout)?.[1];
}

const setMask = (pid: number, args: readonly string[]): boolean =>
  spawnSync('taskset', ['-a', '-p', ...args, String(pid)], { stdio: 'ignore' }).status === 0;

/**
 * Moves the local PostgreSQL and Redis (every process and thread) to the load core for a case, so a
 * database's work per request competes with the load generator, not with the measured server: where
 * they float, a contender that makes the database work more loses or gains by where the scheduler
 * puts it, and runs disagree.
 * Processes forked meanwhile (PostgreSQL's backends) inherit the mask; `restore()` moves every
 * process of the service back to the mask its oldest process had.
 */
export function pinLocalServices(pinning: Pinning): ServicePlacement {
  const core = pinning.load[2];
  const none = (why: string): ServicePlacement => ({
    description: `PostgreSQL and Redis not pinned (${why})`,
    restore: () => undefined,
  });
  if (core === undefined) return none('nothing is pinned on this machine');
  const original = new Map<string, string>();
  const moved: string[] = [];
  for (const name of LOCAL_SERVICES) {
    const pids = pidsOf(name);
    const mask = pids[0] === undefined ? undefined : maskOf(pids[0]);
    if (mask === undefined) continue;
    if (!pids.every((pid) => setMask(pid, ['-c', core]))) {
      for (const pid of pids) setMask(pid, [mask]);
      continue;
    }
    original.set(name, mask);
    moved.push(name);
  }
  if (moved.length === 0) return none('no local process of theirs could be moved');
  return {
    description: `local ${moved.join(' and ')} moved to core ${core} with the load generator (taskset)`,
    restore() {
      for (const [name, mask] of original) for (const pid of pidsOf(name)) setMask(pid, [mask]);
    },
  };
}
