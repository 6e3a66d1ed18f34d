import { describe, expect, it } from 'vitest';
import { chartsFor, renderSvg } from './charts.js';
import { loggerCaseName, WINSTON_CASE, type LoggerShape } from './logger-shapes.js';
import { loggerShapeTable, markdownReport, type RunInfo } from './report.js';
import { median, type CaseResult } from './rounds.js';
import { judgeTargets } from './targets.js';

type Figures = Record<string, Record<string, number[]>>;

/** A logger case from per-round figures, its medians computed as the harness computes them. */
function loggerCase(name: string, baseline: string, samples: Figures): CaseResult {
  return {
    case: name,
    description: 'lines to a file',
    baseline,
    ratioOf: { metric: 'lines_per_second', better: 'higher' },
    units: { lines_per_second: 'lines/s' },
    rounds: 2,
    medians: Object.fromEntries(
      Object.entries(samples).map(([contender, metrics]) => [
        contender,
        Object.fromEntries(Object.entries(metrics).map(([m, values]) => [m, median(values)])),
      ]),
    ),
    samples,
    loadChecks: [],
  };
}

const sound = { delivered_percent: [100, 100], disabled_vs_emitted_percent: [0.1, 0.1] };

/** shipshape at `ship` lines/s and 60 MB against pino-sync and pino-async (lines/s, MB). */
const shapeCase = (
  shape: LoggerShape,
  ship: number[],
  sync: number[],
  async: number[],
  rss: { ship: number; sync: number; async: number } = { ship: 60, sync: 50, async: 50 },
  extra: Record<string, number[]> = {},
) =>
  loggerCase(loggerCaseName(shape), 'pino-sync', {
    shipshape: {
      lines_per_second: ship,
      peak_rss_mb: [rss.ship, rss.ship],
      ...sound,
      ...extra,
    },
    'pino-sync': { lines_per_second: sync, peak_rss_mb: [rss.sync, rss.sync], ...sound },
    'pino-async': { lines_per_second: async, peak_rss_mb: [rss.async, rss.async], ...sound },
  });

const byName = (...results: CaseResult[]) => new Map(results.map((r) => [r.case, r]));

describe('the logger targets', () => {
  it('are met for a shape only when shipshape is at least pino with both destinations', () => {
    const verdicts = judgeTargets(
      byName(
        shapeCase('context', [1200, 1300], [1000, 1000], [1100, 1100]),
        // Faster than pino-sync, slower than pino-async: not met.
        shapeCase('fields', [1050, 1050], [1000, 1000], [1100, 1100]),
      ),
    );
    expect(verdicts.filter((v) => v.target.includes('lines/s'))).toEqual([
      {
        target: 'logger, ids from context: ≥ 1.0 × pino lines/s (sync and async)',
        measured: '1.25 × sync, 1.14 × async',
        met: true,
      },
      {
        target: 'logger, ids as call fields: ≥ 1.0 × pino lines/s (sync and async)',
        measured: '1.05 × sync, 0.95 × async',
        met: false,
      },
    ]);
  });

  it('judge peak RSS against both pino set-ups, delivery and the disabled call per shape', () => {
    const verdicts = judgeTargets(
      byName(
        shapeCase(
          'child',
          [1200, 1200],
          [1000, 1000],
          [1000, 1000],
          { ship: 70, sync: 50, async: 40 },
          { delivered_percent: [100, 99.5], disabled_vs_emitted_percent: [1.5, 1.7] },
        ),
      ),
    );
    expect(verdicts).toEqual([
      {
        target: 'logger, a child per request: ≥ 1.0 × pino lines/s (sync and async)',
        measured: '1.20 × sync, 1.20 × async',
        met: true,
      },
      {
        // 70 / 50 is within 1.5 ×, 70 / 40 is not.
        target: 'logger, a child per request: peak RSS ≤ 1.5 × pino (sync and async)',
        measured: '1.40 × sync, 1.75 × async',
        met: false,
      },
      {
        target: 'logger, a child per request: delivers every line',
        measured: '99.500 % (worst round)',
        met: false,
      },
      {
        target: 'logger, a child per request: a call below the level ≤ 1 % of an emitted line',
        measured: '1.600 %',
        met: false,
      },
    ]);
  });

  it('are not met, rather than left out, when a contender of a case that ran has no figure', () => {
    const result = shapeCase('new-context', [1200, 1200], [1000, 1000], [1000, 1000]);
    const { 'pino-async': _dropped, ...medians } = result.medians;
    const { 'pino-async': _droppedSamples, ...samples } = result.samples;
    const verdicts = judgeTargets(byName({ ...result, medians, samples }));
    const speed = verdicts.find((v) => v.target.includes('lines/s'));
    expect(speed).toEqual({
      target: 'logger, a new context per request: ≥ 1.0 × pino lines/s (sync and async)',
      measured: '1.20 × sync, n/a × async',
      met: false,
    });
  });

  it('judge a winston transport against plain winston with the same transport', () => {
    const winston = (ship: number) =>
      loggerCase(WINSTON_CASE, 'winston', {
        shipshape: { lines_per_second: [ship, ship], delivered_percent: [100, 100] },
        winston: { lines_per_second: [400, 400], delivered_percent: [100, 100] },
      });
    expect(judgeTargets(byName(winston(500)))).toEqual([
      {
        target: 'shipshape + winston File transport ≥ 1.0 × plain winston lines/s',
        measured: '1.25 ×',
        met: true,
      },
      {
        target: 'shipshape + winston File transport delivers every line',
        measured: '100.000 % (worst round)',
        met: true,
      },
    ]);
    expect(judgeTargets(byName(winston(300)))[0]).toMatchObject({ measured: '0.75 ×', met: false });
  });
});

describe('the call-shape table', () => {
  const results = [
    shapeCase('context', [1200, 1300], [1000, 1000], [1100, 1300]),
    loggerCase(WINSTON_CASE, 'winston', {
      shipshape: { lines_per_second: [500, 600] },
      winston: { lines_per_second: [400, 400] },
    }),
  ];

  it('has a row per shape that ran, shipshape against each contender, ratios per round', () => {
    const table = loggerShapeTable(results).split('\n');
    expect(table[0]).toBe(
      '| call shape | shipshape (lines/s) | pino-sync (lines/s) | pino-async (lines/s) | winston (lines/s) | shipshape ÷ pino-sync | shipshape ÷ pino-async | shipshape ÷ winston |',
    );
    // Per round: 1200/1000, 1300/1000 and 1200/1100, 1300/1300; the figure is the median of the
    // paired round ratios: 1.250 and (1.091 + 1) / 2 = 1.045 (not 1250/1200 = 1.042, a ratio of medians).
    expect(table[2]).toBe(
      '| context: ids from context | 1,250 (1,200–1,300) | 1,000 (1,000–1,000) | 1,200 (1,100–1,300) | – | 1.250 (1.200–1.300) × | 1.045 (1–1.091) × | – |',
    );
    expect(table[3]).toBe(
      '| winston File transport | 550 (500–600) | – | – | 400 (400–400) | – | – | 1.375 (1.250–1.500) × |',
    );
    expect(table).toHaveLength(4);
    expect(loggerShapeTable([])).toBe('');
  });

  it('is in the report under its heading, and the shapes are one grouped chart', async () => {
    const run: RunInfo = {
      when: new Date('2026-12-02T10:00:00.000Z'),
      machine: {
        cpu: 'Test CPU',
        cores: 2,
        memoryGiB: 4,
        node: 'v24.22.3',
        platform: 'linux x64',
        pinning: 'none',
      },
      rounds: 2,
      smoke: false,
      busy: false,
      maxLoad: 0.5,
      beforeRun: undefined,
      command: 'pnpm bench --only logger',
    };
    expect(markdownReport(results, [], run, [])).toContain(
      `## Logger call shapes\n\nLines per second of each call shape`,
    );
    const both = [...results, shapeCase('child', [900, 900], [1000, 1000], [800, 800])];
    const charts = chartsFor(both);
    expect(charts.map((chart) => chart.file)).toEqual(['logger.svg', 'logger-winston.svg']);
    const svg = await renderSvg(charts[0]!.spec);
    for (const word of ['context', 'child', 'shipshape', 'pino-sync', 'pino-async'])
      expect(svg).toContain(word);
  });
});
