import { describe, expect, it } from 'vitest';
import { parseExposition } from './lib/exposition.js';

// What counts as "the metric exists" in the cross-checks rests on this parser.
describe('exposition parser', () => {
  it('counts a declared histogram with no series yet under its _bucket, _sum and _count names', () => {
    const { names, samples } = parseExposition('# HELP h_seconds x\n# TYPE h_seconds histogram\n');
    expect([...names].sort()).toEqual(['h_seconds_bucket', 'h_seconds_count', 'h_seconds_sum']);
    expect(samples).toEqual([]);
  });

  it('reads OpenMetrics: counters declared without _total, exemplars, label values with braces, # EOF', () => {
    const text = [
      '# TYPE jobs counter',
      'jobs_total{queue="orders",note="a}b \\"q\\""} 3 # {trace_id="abc"} 1 1700000000',
      '# TYPE up_like gauge',
      'up_like 1',
      '# EOF',
    ].join('\n');
    const { names, samples } = parseExposition(text);
    expect(names.has('jobs_total')).toBe(true);
    expect(names.has('up_like')).toBe(true);
    expect(samples[0]).toEqual({
      name: 'jobs_total',
      labels: { queue: 'orders', note: 'a}b "q"' },
      value: 3,
    });
  });

  it('rejects a line that is not exposition format', () => {
    expect(() => parseExposition('{oops} 1')).toThrow(/not an exposition line/);
  });
});
