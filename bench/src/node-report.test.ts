import { describe, expect, it } from 'vitest';
import { resultsMarkdown, splitResults, type RunRecord } from './results-file.js';
import type { CaseResult } from './rounds.js';

const check = { when: 'round', loadAverage1m: 0.1, othersBusyCores: 0.02, busy: false };

// Two rounds; the ratios below are worked out by hand from these figures.
const http: CaseResult = {
  case: 'http',
  description: 'Express 5 GET',
  baseline: 'bare',
  ratioOf: { metric: 'requests_per_second', better: 'higher' },
  units: { requests_per_second: 'req/s', time_per_request_us: 'µs/req' },
  rounds: 2,
  medians: {},
  samples: {
    bare: { requests_per_second: [1000, 1100], time_per_request_us: [1000, 900] },
    shipshape: { requests_per_second: [700, 770], time_per_request_us: [1400, 1300] },
    'bare@node20': { requests_per_second: [800, 1000], time_per_request_us: [1250, 1000] },
    'shipshape@node20': { requests_per_second: [400, 500], time_per_request_us: [2500, 2000] },
  },
  loadChecks: [check, check],
  nodePairs: [
    { own: 'bare', other: 'bare@node20' },
    { own: 'shipshape', other: 'shipshape@node20' },
  ],
  nativeAddons: { bare: [], 'bare@node20': [], shipshape: [], 'shipshape@node20': [] },
};

const startup: CaseResult = {
  case: 'startup',
  description: 'process start to readiness',
  baseline: 'api',
  ratioOf: { metric: 'ready_after_ms', better: 'lower' },
  units: { ready_after_ms: 'ms' },
  rounds: 2,
  medians: {},
  samples: {
    api: { ready_after_ms: [300, 320] },
    'api-postgres': { ready_after_ms: [200, 220] },
    'api-postgres-no-compile-cache': { ready_after_ms: [260, 280] },
    'api-postgres@node20': { ready_after_ms: [400, 400] },
  },
  loadChecks: [check, check],
  nodePairs: [
    { own: 'api-postgres', other: 'api-postgres@node20' },
    { own: 'api-postgres-no-compile-cache', other: 'api-postgres@node20' },
  ],
  nativeAddons: { 'api-postgres@node20': ['@msgpackr-extract/msgpackr-extract-linux-x64'] },
};

const record = (withNodes: boolean): RunRecord => ({
  run: {
    when: '2026-12-02T10:00:00.000Z',
    machine: {
      cpu: 'Test CPU',
      cores: 2,
      memoryGiB: 4,
      node: 'v24.22.3',
      platform: 'linux x64',
      pinning: 'pinned',
    },
    rounds: 2,
    smoke: false,
    busy: false,
    maxLoad: 0.5,
    beforeRun: check,
    command: 'pnpm bench --compare-node /usr/bin/node',
    ...(withNodes
      ? {
          nodes: {
            own: { path: '/opt/node24/bin/node', version: 'v24.22.3', label: 'node24' },
            other: { path: '/usr/bin/node', version: 'v20.20.2', label: 'node20' },
          },
        }
      : {}),
  },
  results: [http, startup],
  verdicts: [],
});

describe('the Node.js comparison in RESULTS.md', () => {
  const { generated } = splitResults(resultsMarkdown(record(true), 'No analysis.'));

  it('is a table "Node 20 → 24" with both figures and their ratio, per round', () => {
    expect(generated).toContain('## Node 20 → 24');
    expect(generated).toContain('| case | contender | figure | Node 20 | Node 24 | 24 / 20 |');
    expect(generated).toContain(
      '| http | bare | req/s | 900 (800–1,000) | 1,050 (1,000–1,100) | 1.175 (1.100–1.250) × |',
    );
    expect(generated).toContain(
      '| http | shipshape | req/s | 450 (400–500) | 735 (700–770) | 1.645 (1.540–1.750) × |',
    );
  });

  it('shows the overhead over the baseline on each Node.js: the ratio and the µs added', () => {
    expect(generated).toContain(
      '| http | shipshape ÷ bare | ratio of req/s | 0.500 (0.500–0.500) | 0.700 (0.700–0.700) | 1.400 (1.400–1.400) × |',
    );
    expect(generated).toContain(
      '| http | shipshape − bare | µs added per request | 1,125 (1,000–1,250) | 400 (400–400) | 0.360 (0.320–0.400) × |',
    );
  });

  it('pairs contenders of different names, and names the native addons they loaded', () => {
    expect(generated).toContain(
      '| startup | api-postgres-no-compile-cache / api-postgres@node20 | ms | 400 (400–400) | 270 (260–280) | 0.675 (0.650–0.700) × |',
    );
    expect(generated).toContain(
      'startup api-postgres@node20: @msgpackr-extract/msgpackr-extract-linux-x64',
    );
    expect(generated).toContain('under v20.20.2 (`/usr/bin/node`)');
  });

  it('is absent from a run that compared no Node.js versions', () => {
    const plain = splitResults(resultsMarkdown(record(false), 'No analysis.')).generated;
    expect(plain).not.toContain('## Node');
  });
});
