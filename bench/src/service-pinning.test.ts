import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { planPinning } from './machine.js';
import { LOCAL_SERVICES, pinLocalServices } from './service-pinning.js';

const pidsOf = (name: string): number[] =>
  spawnSync('pgrep', ['-x', name], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter(Boolean)
    .map(Number);

const maskOf = (pid: number): string =>
  /mask:\s*([0-9a-f]+)/i.exec(
    spawnSync('taskset', ['-p', String(pid)], { encoding: 'utf8' }).stdout,
  )?.[1] ?? '?';

describe('pinLocalServices', () => {
  const pinning = planPinning();
  // Moving another user's processes takes root: so on this machine kind, not on a CI runner.
  const mayMove = pinning.load.length > 0 && process.getuid?.() === 0;
  it.runIf(mayMove)(
    'moves every local PostgreSQL and Redis process to the load core, and puts them back',
    () => {
      const core = Number(pinning.load[2]);
      const before = new Map(
        LOCAL_SERVICES.flatMap((name) => pidsOf(name)).map((pid) => [pid, maskOf(pid)]),
      );
      expect(before.size).toBeGreaterThan(0); // this machine runs both (the suite's own services)
      const placement = pinLocalServices(pinning);
      try {
        expect(placement.description).toBe(
          `local postgres and redis-server moved to core ${core} with the load generator (taskset)`,
        );
        for (const pid of before.keys()) expect(maskOf(pid)).toBe((1 << core).toString(16));
      } finally {
        placement.restore();
      }
      for (const [pid, mask] of before) expect(maskOf(pid)).toBe(mask);
    },
  );

  it('says plainly when nothing is pinned', () => {
    const placement = pinLocalServices({ server: [], load: [], description: 'not pinned' });
    expect(placement.description).toBe(
      'PostgreSQL and Redis not pinned (nothing is pinned on this machine)',
    );
    placement.restore();
  });
});
