import { describe, expect, it } from 'vitest';
import { chartsFor, renderSvg } from './charts.js';
import { resultsMarkdown, splitResults, type RunRecord } from './results-file.js';
import type { CaseResult } from './rounds.js';

const check = (when: string, busy = false) => ({
  when,
  loadAverage1m: 0.12,
  othersBusyCores: 0.03,
  busy,
});

const http: CaseResult = {
  case: 'http',
  description: 'Express 5 GET',
  baseline: 'bare',
  ratioOf: { metric: 'requests_per_second', better: 'higher' },
  units: { requests_per_second: 'req/s' },
  rounds: 3,
  medians: { bare: { requests_per_second: 1000 }, shipshape: { requests_per_second: 800 } },
  samples: {
    bare: { requests_per_second: [1000, 900, 1100] },
    shipshape: { requests_per_second: [800, 810, 770] },
  },
  loadChecks: [check('http round 1'), check('http round 2', true), check('http round 3')],
};

const record: RunRecord = {
  run: {
    when: '2026-12-02T10:00:00.000Z',
    machine: {
      cpu: 'Test CPU',
      cores: 2,
      memoryGiB: 4,
      node: 'v24.11.1',
      platform: 'linux x64',
      pinning: 'measured process on core 0',
    },
    rounds: 3,
    smoke: false,
    busy: true,
    maxLoad: 0.5,
    beforeRun: check('before the run'),
    command: 'pnpm bench',
  },
  results: [http],
  verdicts: [{ target: 'full instrumentation ≥ 0.90 × bare', measured: '0.80 ×', met: false }],
};

describe('RESULTS.md', () => {
  const markdown = resultsMarkdown(record, 'The shipshape stack ran at 800 req/s.');

  it('prints the run beside its figures: date, machine, Node, load, spread of every figure', () => {
    const { generated, analysis } = splitResults(markdown);
    expect(generated).toContain('2026-12-02T10:00:00.000Z');
    expect(generated).toContain('Test CPU, 2 cores');
    expect(generated).toContain('| Node | v24.11.1 |');
    expect(generated).toContain("load average (1 min) 0.12, others' CPU 0.03 cores");
    expect(generated).toContain('round 2: 0.12 / 0.03 **BUSY**');
    expect(generated).toContain('**BUSY**: the machine was busy');
    expect(generated).toContain('| bare (baseline) | 1,000 (900–1,100) | 1 (1–1) × |');
    // Ratios per round: 800/1000, 810/900, 770/1100.
    expect(generated).toContain('| shipshape | 800 (770–810) | 0.800 (0.700–0.900) × |');
    expect(generated).toContain('![HTTP: requests per second](charts/http.svg)');
    expect(analysis.trim()).toBe('The shipshape stack ran at 800 req/s.');
  });

  it('draws each chart with Vega-Lite as an SVG of the run’s contenders', async () => {
    const charts = chartsFor([http]);
    expect(charts.map((chart) => chart.file)).toEqual(['http.svg']);
    const svg = await renderSvg(charts[0]!.spec);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('shipshape');
    expect(svg).toContain('req/s');
  });
});
