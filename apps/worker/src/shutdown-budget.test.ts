import { describe, expect, it } from 'vitest';
import { shutdownBudget } from './shutdown-budget.js';

describe('shutdownBudget', () => {
  it('leaves room after the drain for closing Redis and the database', () => {
    expect(shutdownBudget(25_000)).toEqual({
      graceMs: 21_000,
      forceWaitMs: 1_000,
      hookTimeoutMs: 22_500,
    });
  });
  it('never gives the drain less than half of a short deadline', () => {
    expect(shutdownBudget(4_000)).toEqual({
      graceMs: 2_000,
      forceWaitMs: 1_000,
      hookTimeoutMs: 3_500,
    });
  });
  it('subtracts the drain delay, which is spent before any hook runs', () => {
    expect(shutdownBudget(25_000, 5_000).graceMs).toBe(16_000);
  });
});
