import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chartsFor, renderSvg } from './charts.js';
import { markdownReport, TELEMETRY_HEADING, telemetryTables } from './report.js';
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

const telemetry: CaseResult = {
  case: 'telemetry',
  description: 'Express 5 GET under --import @shipshape/telemetry/register',
  baseline: 'off',
  ratioOf: { metric: 'requests_per_second', better: 'higher' },
  units: {
    requests_per_second: 'req/s',
    latency_p99_ms: 'ms',
    time_per_request_us: 'µs/req',
    spans_exported_per_request: 'spans/req',
  },
  rounds: 2,
  medians: {
    off: {
      requests_per_second: 10_000,
      latency_p99_ms: 4,
      time_per_request_us: 100,
      spans_exported_per_request: 0,
    },
    unsampled: {
      requests_per_second: 8000,
      latency_p99_ms: 5,
      time_per_request_us: 125,
      spans_exported_per_request: 0,
    },
    sampled: {
      requests_per_second: 5000,
      latency_p99_ms: 9,
      time_per_request_us: 200,
      spans_exported_per_request: 2.5,
    },
  },
  samples: {
    off: {
      requests_per_second: [10_000, 10_000],
      latency_p99_ms: [4, 4],
      time_per_request_us: [100, 100],
      spans_exported_per_request: [0, 0],
    },
    unsampled: {
      requests_per_second: [9000, 7000],
      latency_p99_ms: [5, 5],
      time_per_request_us: [111.1, 142.9],
      spans_exported_per_request: [0, 0],
    },
    sampled: {
      requests_per_second: [5000, 5000],
      latency_p99_ms: [8, 10],
      time_per_request_us: [200, 200],
      spans_exported_per_request: [2, 3],
    },
  },
  loadChecks: [check('telemetry round 1'), check('telemetry round 2')],
};

const startup: CaseResult = {
  case: 'startup',
  description: 'process start to readiness 200',
  baseline: 'api',
  ratioOf: { metric: 'ready_after_ms', better: 'lower' },
  units: { ready_after_ms: 'ms' },
  rounds: 2,
  medians: {
    api: { ready_after_ms: 400 },
    'api-preload-off': { ready_after_ms: 410 },
    worker: { ready_after_ms: 300 },
  },
  samples: {
    api: { ready_after_ms: [400, 400] },
    'api-preload-off': { ready_after_ms: [400, 420] },
    worker: { ready_after_ms: [300, 300] },
  },
  loadChecks: [check('startup round 1'), check('startup round 2')],
};

describe('the telemetry tables', () => {
  it('puts off, unsampled and sampled side by side, with ratios and µs added against off per round', () => {
    const lines = telemetryTables([telemetry]).split('\n');
    expect(lines[0]).toBe(
      '| tracing | req/s | p99 (ms) | µs/req | spans exported per request | req/s ÷ off | µs added per request |',
    );
    expect(lines).toContain(
      '| off (baseline) | 10,000 (10,000–10,000) | 4 (4–4) | 100 (100–100) | 0 (0–0) | 1 (1–1) × | 0 (0–0) |',
    );
    // Ratios per round: 9000/10000, 7000/10000; µs added per round: 11.1, 42.9.
    expect(lines).toContain(
      '| unsampled | 8,000 (7,000–9,000) | 5 (5–5) | 125 (111.1–142.9) | 0 (0–0) | 0.800 (0.700–0.900) × | 25 (11.1–42.9) |',
    );
    expect(lines).toContain(
      '| sampled | 5,000 (5,000–5,000) | 9 (8–10) | 200 (200–200) | 2.500 (2–3) | 0.500 (0.500–0.500) × | 100 (100–100) |',
    );
  });

  it('adds the API start-up with the preload and telemetry off against no preload', () => {
    const tables = telemetryTables([startup]);
    expect(tables).toContain('| API start-up | ready after (ms) | ÷ no preload | ms added |');
    expect(tables).toContain(
      '| preload, telemetry off (`node --import @shipshape/telemetry/register dist/main.js`) | 410 (400–420) | 1.025 (1–1.050) × | 10 (0–20) |',
    );
    expect(tables).not.toContain('tracing');
  });

  it('is a section of the report under its heading only when one of the two cases ran', () => {
    const run = { ...record.run, when: new Date(record.run.when) };
    const report = markdownReport([telemetry, startup], [], run, []);
    expect(report).toContain(`## ${TELEMETRY_HEADING}\n`);
    expect(report).toContain('| sampled |');
    expect(report).toContain('| API start-up |');
    expect(telemetryTables([http])).toBe('');
    expect(markdownReport([http], [], run, [])).not.toContain(TELEMETRY_HEADING);
    // A start-up case run without the preload row (an older record) adds no table either.
    const { 'api-preload-off': _, ...medians } = startup.medians;
    expect(telemetryTables([{ ...startup, medians }])).toBe('');
  });

  it('is the heading the telemetry README points at for its cost', () => {
    const readme = readFileSync(
      new URL('../../packages/telemetry/README.md', import.meta.url),
      'utf8',
    );
    const anchor = TELEMETRY_HEADING.toLowerCase().replaceAll(' ', '-');
    expect(readme).toContain(`[${TELEMETRY_HEADING}](../../bench/RESULTS.md#${anchor})`);
  });
});
