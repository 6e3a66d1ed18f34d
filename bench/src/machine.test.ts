import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { describe, expect, it, vi } from 'vitest';
import { pinned } from './child.js';
import { planPinning } from './machine.js';

const allowedCores = (pid: number) =>
  /^Cpus_allowed_list:\s*(.+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];

describe('placement on cores', () => {
  const pinning = planPinning();

  it('puts the measured process and its load on different cores when there are two', () => {
    if (availableParallelism() < 2) {
      expect(pinning.server).toEqual([]);
      expect(pinning.description).toMatch(/not pinned/);
      return;
    }
    expect(pinning.server[0]).toBe('taskset');
    expect(pinning.server[2]).not.toBe(pinning.load[2]);
  });

  it('starts a child on the core it was given', async () => {
    const [command, args] = pinned(pinning.server, ['-e', 'setTimeout(() => {}, 5000)']);
    const child = spawn(command, args, { stdio: 'ignore' });
    try {
      // taskset sets the affinity, then execs node in the same process.
      await vi.waitFor(() => {
        expect(
          readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').startsWith(`${process.execPath}\0`),
        ).toBe(true);
      });
      const expected = pinning.server[2] ?? allowedCores(process.pid);
      expect(allowedCores(child.pid ?? 0)).toBe(expected);
    } finally {
      child.kill();
      await once(child, 'exit');
    }
  });
});
