import { describe, expect, it } from 'vitest';
import { checkWhatWasWritten } from './cases/orders.js';
import type { CaseResult } from './rounds.js';
import { judgeTargets } from './targets.js';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[1] ?? Number.NaN;

/** Three rounds of an orders case, req/s of each contender per round. */
const orders = (backend: string, outbox: number[], direct: number[]): CaseResult => ({
  case: `orders-${backend}`,
  description: 'POST /v1/orders',
  baseline: 'direct-enqueue',
  ratioOf: { metric: 'requests_per_second', better: 'higher' },
  units: { requests_per_second: 'req/s' },
  rounds: 3,
  medians: {
    outbox: { requests_per_second: median(outbox) },
    'direct-enqueue': { requests_per_second: median(direct) },
  },
  samples: {
    outbox: { requests_per_second: outbox },
    'direct-enqueue': { requests_per_second: direct },
  },
  loadChecks: [],
});

describe('the outbox target', () => {
  it('is judged per backend from the run’s own figures, and says what the outbox costs', () => {
    const verdicts = judgeTargets(
      new Map([
        // The host's speed drifts between rounds; within each the outbox keeps 0.95 × (the ratio of
        // the medians, 1,400 / 2,000, would pair one round's outbox with another's baseline).
        ['orders-sqlite', orders('sqlite', [1900, 950, 1400], [2000, 1000, 2100])],
        ['orders-postgres', orders('postgres', [850, 1700, 1275], [1000, 2000, 1500])],
      ]),
    );
    expect(verdicts).toEqual([
      {
        target: 'the outbox costs ≤ 10 % of POST /v1/orders req/s (SQLite)',
        measured: '0.95 × the direct enqueue (5.0 % fewer req/s)',
        met: true,
      },
      {
        target: 'the outbox costs ≤ 10 % of POST /v1/orders req/s (PostgreSQL)',
        measured: '0.85 × the direct enqueue (15.0 % fewer req/s)',
        met: false,
      },
    ]);
  });
});

describe('what an orders measurement wrote', () => {
  const load = { non2xx: 0, errors: 0, answered_2xx: 100 };
  const wrote = {
    orders_created: 103,
    orders_in_database: 103,
    outbox_rows: 103,
    jobs: 103,
    enqueue_failures: 0,
    in_flight: 0,
  };

  it('passes when every 201 is an order with its job, and an outbox row only with the outbox', () => {
    expect(() => checkWhatWasWritten('outbox', 'sqlite', load, wrote)).not.toThrow();
    expect(() =>
      checkWhatWasWritten('direct-enqueue', 'sqlite', load, { ...wrote, outbox_rows: 0 }),
    ).not.toThrow();
  });

  it('refuses a figure whose work was not done, saying what is missing', () => {
    expect(() =>
      checkWhatWasWritten('direct-enqueue', 'postgres', load, {
        ...wrote,
        jobs: 90,
        enqueue_failures: 13,
      }),
    ).toThrow(
      'orders direct-enqueue on postgres: 13 enqueues failed; 103 orders created but 90 jobs in Redis; 103 outbox rows for 103 orders (expected 0)',
    );
    expect(() =>
      checkWhatWasWritten(
        'outbox',
        'sqlite',
        { ...load, non2xx: 2 },
        { ...wrote, outbox_rows: 50 },
      ),
    ).toThrow(/2 non-2xx answers.*50 outbox rows for 103 orders \(expected 103\)/);
  });
});
