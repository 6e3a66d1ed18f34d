import { describe, expect, it } from 'vitest';
import type { CaseResult } from './rounds.js';
import { compareRuns, comparisonSection } from './run-comparison.js';

function result(name: string, medians: Record<string, number>, baseline = 'bare'): CaseResult {
  return {
    case: name,
    description: name,
    baseline,
    ratioOf: { metric: 'rps', better: 'higher' },
    units: { rps: 'req/s' },
    rounds: 1,
    medians: Object.fromEntries(Object.entries(medians).map(([k, v]) => [k, { rps: v }])),
    samples: Object.fromEntries(Object.entries(medians).map(([k, v]) => [k, { rps: [v] }])),
    loadChecks: [],
  };
}

describe('two runs compared', () => {
  it('compares each ratio both runs measured, within 10 %', () => {
    const previous = [
      result('http', { bare: 1000, shipshape: 800, peer: 300 }),
      result('gone', { bare: 1, x: 1 }),
    ];
    const current = [
      result('http', { bare: 2000, shipshape: 1700, peer: 500, added: 10 }),
      result('new', { bare: 1, y: 1 }),
    ];
    const agreements = compareRuns(previous, current);
    expect(agreements.map((a) => [a.contender, a.agrees])).toEqual([
      ['shipshape', true],
      ['peer', false],
    ]);
    expect(agreements[0]?.change).toBeCloseTo(0.0625);
    expect(agreements[1]?.change).toBeCloseTo(-0.1667, 3);
  });

  it('lets two zero ratios agree (nothing lost in either run), and a zero then not-zero not', () => {
    const agreements = compareRuns(
      [result('shutdown', { naive: 20, shipshape: 0, terminus: 0 }, 'naive')],
      [result('shutdown', { naive: 20, shipshape: 0, terminus: 20 }, 'naive')],
    );
    expect(agreements.map((a) => [a.contender, a.change, a.agrees])).toEqual([
      ['shipshape', undefined, true],
      ['terminus', undefined, false],
    ]);
  });

  it('prints how many agree and marks those that do not', () => {
    const section = comparisonSection(
      compareRuns(
        [result('http', { bare: 1000, shipshape: 800, peer: 300 })],
        [result('http', { bare: 1000, shipshape: 820, peer: 400 })],
      ),
      '2026-12-02T05:42:53.000Z',
    );
    expect(section).toContain('1 of 2 agree within 10 %');
    expect(section).toContain('| http | shipshape | 0.800 × | 0.820 × | +2.5 % | yes |');
    expect(section).toContain('| http | peer | 0.300 × | 0.400 × | +33.3 % | **no** |');
  });
});
