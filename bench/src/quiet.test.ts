import { cpus } from 'node:os';
import { describe, expect, it } from 'vitest';
import { MachineBusyError, QuietMachine } from './quiet.js';

const options = { settleSeconds: 0.001, windowMs: 50, log: () => undefined };

describe('the quiet-machine check', () => {
  it('passes under a limit no machine exceeds and records the load it saw', async () => {
    const quiet = new QuietMachine({
      ...options,
      maxLoad: Number.POSITIVE_INFINITY,
      allowBusy: false,
    });
    const check = await quiet.check('before the run', true);
    expect(check.busy).toBe(false);
    expect(check.othersBusyCores).toBeGreaterThanOrEqual(0);
    expect(check.othersBusyCores).toBeLessThanOrEqual(cpus().length);
    expect(check.loadAverage1m).toBeGreaterThanOrEqual(0);
    expect(quiet.busy).toBe(false);
  });

  it('refuses a busy machine, saying what to do', async () => {
    const quiet = new QuietMachine({ ...options, maxLoad: -1, allowBusy: false });
    await expect(quiet.check('http round 2')).rejects.toThrow(MachineBusyError);
    await expect(quiet.check('http round 2')).rejects.toThrow(/--allow-busy/);
  });

  it('marks a busy machine when told to go on', async () => {
    const quiet = new QuietMachine({ ...options, maxLoad: -1, allowBusy: true });
    expect((await quiet.check('logger round 1')).busy).toBe(true);
    expect(quiet.busy).toBe(true);
  });
});
