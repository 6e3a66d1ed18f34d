import { describe, expect, it } from 'vitest';
import {
  components,
  instructionsPerRequest,
  instructionsSection,
  type InstructionsRecord,
} from './instructions-report.js';

const record = (samples: InstructionsRecord['samples']): InstructionsRecord => ({
  when: '2026-12-02T06:00:00.000Z',
  node: 'v24.22.3',
  valgrind: 'valgrind-3.19.0',
  machine: 'AMD EPYC, linux x64',
  warmupRequests: 1_000,
  measuredRequests: 2_000,
  samples,
});

/** Two runs whose difference over 2,000 requests is `perRequest`. */
const run = (perRequest: number, startup = 9e8) => ({
  shortRun: startup,
  longRun: startup + perRequest * 2_000,
});

describe('instructions per request', () => {
  it('is the difference of the two runs over the extra requests, median of the repetitions', () => {
    const perStack = instructionsPerRequest(
      record({ bare: [run(250_000), run(260_000, 9.1e8), run(240_000)] }),
    );
    expect(perStack.get('bare')).toBe(250_000);
  });

  it('attributes the cost per component from the stacks’ differences', () => {
    const rows = components(
      new Map([
        ['bare', 250_000],
        ['shipshape-logger', 330_000],
        ['shipshape-metrics', 300_000],
        ['shipshape', 360_000],
        ['handwritten-pino', 340_000],
      ]),
    );
    expect(Object.fromEntries(rows.map((row) => [row.component, row.added]))).toEqual({
      'request context + JSON access log': 80_000,
      'RED metrics (alone)': 50_000,
      'one lifecycle shared by both': -20_000,
      'full instrumentation': 110_000,
      'hand-written ALS + pino + prom-client': 90_000,
      'shipshape beyond the hand-written stack': 20_000,
    });
  });

  it('splits the context from the access log when the context alone was counted', () => {
    const rows = components(
      new Map([
        ['bare', 250_000],
        ['shipshape-context', 270_000],
        ['shipshape-logger', 330_000],
        ['shipshape-metrics', 300_000],
        ['shipshape', 360_000],
      ]),
    );
    expect(rows.slice(0, 2).map((row) => [row.component, row.added])).toEqual([
      ['request context (id, AsyncLocalStorage, lifecycle)', 20_000],
      ['JSON access log (an observer)', 60_000],
    ]);
  });

  it('prints its conditions and both tables', () => {
    const section = instructionsSection(
      record({
        bare: [run(250_000)],
        'shipshape-logger': [run(330_000)],
        'shipshape-metrics': [run(300_000)],
        shipshape: [run(360_000)],
      }),
    );
    expect(section).toContain('valgrind-3.19.0');
    expect(section).toContain('Node v24.22.3');
    expect(section).toContain('| shipshape | 360,000 | 1.44 × | 0.69 × | 360,000 |');
    expect(section).toContain('| full instrumentation | `shipshape − bare` | 110,000 | 44.0 % |');
    expect(section).not.toContain('hand-written');
  });
});
