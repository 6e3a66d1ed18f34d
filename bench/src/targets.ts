import {
  LOGGER_SHAPES,
  loggerCaseName,
  PINO_CONTENDERS,
  SHAPE_LABELS,
  WINSTON_CASE,
} from './logger-shapes.js';
import { ratio as pairedRatio, type CaseResult } from './rounds.js';

export interface TargetVerdict {
  readonly target: string;
  readonly measured: string;
  readonly met: boolean;
}

type Results = ReadonlyMap<string, CaseResult>;

const fixed = (value: number, digits = 2) =>
  Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
const median = (results: Results, name: string, contender: string, metric: string) =>
  results.get(name)?.medians[contender]?.[metric] ?? Number.NaN;
/**
 * A case's ratio of `contender` to `against` on its ratio metric, as its table quotes it: the median
 * of the paired round ratios (rounds.ts), not a ratio of medians.
 */
const paired = (results: Results, name: string, contender: string, against: string) => {
  const result = results.get(name);
  return result === undefined ? Number.NaN : pairedRatio(result, contender, against);
};
const worst = (results: Results, name: string, contender: string, metric: string) =>
  Math.max(...(results.get(name)?.samples[contender]?.[metric] ?? [Number.NaN]));

/** The targets, judged from this run's figures only. */
export function judgeTargets(results: Results): TargetVerdict[] {
  const verdicts: TargetVerdict[] = [];
  const judge = (
    target: string,
    value: number,
    limit: number,
    at: 'least' | 'most',
    measured: string,
  ) => {
    if (Number.isNaN(value)) return;
    verdicts.push({ target, measured, met: at === 'least' ? value >= limit : value <= limit });
  };

  if (results.has('http')) {
    const ratioTo = (c: string, against: string) => paired(results, 'http', c, against);
    const p99 = (c: string) => median(results, 'http', c, 'latency_p99_ms');
    const us = (c: string) => median(results, 'http', c, 'time_per_request_us');
    judge(
      'full instrumentation ≥ 0.90 × bare Express req/s',
      ratioTo('shipshape', 'bare'),
      0.9,
      'least',
      `${fixed(ratioTo('shipshape', 'bare'))} ×`,
    );
    judge(
      'full instrumentation p99 ≤ 1.2 × bare',
      p99('shipshape') / p99('bare'),
      1.2,
      'most',
      `${fixed(p99('shipshape') / p99('bare'))} ×`,
    );
    judge(
      'full instrumentation ≥ 2.3 × the peer stack',
      ratioTo('shipshape', 'peer'),
      2.3,
      'least',
      `${fixed(ratioTo('shipshape', 'peer'))} ×`,
    );
    judge(
      'at most ~7 µs added per request',
      us('shipshape') - us('bare'),
      7,
      'most',
      `${fixed(us('shipshape') - us('bare'), 1)} µs`,
    );
  }
  judgeLogger(results, verdicts);
  const blockLimits: Record<string, number> = { '10k': 20, '50k': 25 };
  for (const size of ['1k', '10k', '50k']) {
    const name = `metrics-${size}`;
    if (!results.has(name)) continue;
    const blockLimit = blockLimits[size];
    if (blockLimit !== undefined) {
      const block = worst(results, name, 'shipshape', 'longest_block_ms');
      judge(
        `scrape by another process blocks the event loop ≤ ${blockLimit} ms at ${size} series`,
        block,
        blockLimit,
        'most',
        `${fixed(block, 1)} ms (worst round)`,
      );
    }
    if (size === '10k') {
      const wait = worst(results, name, 'shipshape', 'ping_extra_wait_ms');
      judge(
        'a request sent during a 10k-series scrape waits ≤ 25 ms extra',
        wait,
        25,
        'most',
        `${fixed(wait, 1)} ms (worst round)`,
      );
    }
    judge(
      `scrape total time ≤ prom-client at ${size} series`,
      paired(results, name, 'shipshape', 'prom-client'),
      1,
      'most',
      `${fixed(paired(results, name, 'shipshape', 'prom-client'))} ×`,
    );
  }
  if (results.has('shutdown')) {
    const lost =
      worst(results, 'shutdown', 'shipshape', 'received_never_answered') +
      worst(results, 'shutdown', 'shipshape', 'lost_on_new_socket');
    judge('shutdown: 0 requests lost', lost, 0, 'most', `${lost} (worst round)`);
    const resets = worst(results, 'shutdown', 'shipshape', 'lost_on_reused_socket');
    judge('shutdown: 0 resets on reused sockets', resets, 0, 'most', `${resets} (worst round)`);
    const exit = worst(results, 'shutdown', 'shipshape', 'exit_after_last_response_ms');
    judge(
      'shutdown: exit ≤ 100 ms after the last response',
      exit,
      100,
      'most',
      `${fixed(exit, 0)} ms (worst round)`,
    );
  }
  if (results.has('worker')) {
    const r = paired(results, 'worker', 'instrumented', 'bare');
    judge('instrumented worker ≥ 0.95 × bare BullMQ jobs/s', r, 0.95, 'least', `${fixed(r)} ×`);
  }
  for (const [backend, label] of [
    ['sqlite', 'SQLite'],
    ['postgres', 'PostgreSQL'],
  ] as const) {
    const name = `orders-${backend}`;
    if (!results.has(name)) continue;
    const r = paired(results, name, 'outbox', 'direct-enqueue');
    judge(
      `the outbox costs ≤ 10 % of POST /v1/orders req/s (${label})`,
      r,
      0.9,
      'least',
      `${fixed(r)} × the direct enqueue (${fixed(Math.abs(1 - r) * 100, 1)} % ${r <= 1 ? 'fewer' : 'more'} req/s)`,
    );
  }
  if (results.has('startup')) {
    for (const app of ['api', 'worker']) {
      const ms = worst(results, 'startup', app, 'ready_after_ms');
      judge(
        `${app} ready within 1 s of process start`,
        ms,
        1000,
        'most',
        `${fixed(ms, 0)} ms (worst round)`,
      );
    }
  }
  return verdicts;
}

/**
 * The logger's targets, per call shape: lines/s at least pino's and peak RSS at most 1.5 × pino's,
 * each against both pino set-ups (met only when met against both), every line delivered, and a call
 * below the level at most 1 % of an emitted line; then the winston transport against plain winston.
 * A case that ran without a figure is judged not met, never left out.
 */
function judgeLogger(results: Results, verdicts: TargetVerdict[]): void {
  const strict = (target: string, value: number, met: boolean, measured: string) =>
    verdicts.push({ target, measured, met: Number.isFinite(value) && met });
  const deliveredWorst = (name: string) =>
    Math.min(...(results.get(name)?.samples['shipshape']?.['delivered_percent'] ?? [Number.NaN]));
  for (const shape of LOGGER_SHAPES) {
    const name = loggerCaseName(shape);
    if (!results.has(name)) continue;
    const m = (c: string, k: string) => median(results, name, c, k);
    const against = (metric: string) =>
      PINO_CONTENDERS.map((pino) => ({
        pino: pino.replace('pino-', ''),
        // The case's own ratio metric as its table quotes it (paired rounds); others from medians.
        ratio:
          metric === results.get(name)?.ratioOf.metric
            ? paired(results, name, 'shipshape', pino)
            : m('shipshape', metric) / m(pino, metric),
      }));
    const shown = (ratios: readonly { pino: string; ratio: number }[]) =>
      ratios.map(({ pino, ratio }) => `${fixed(ratio)} × ${pino}`).join(', ');
    const speed = against('lines_per_second');
    const slowest = Math.min(...speed.map(({ ratio }) => ratio));
    strict(
      `logger, ${SHAPE_LABELS[shape]}: ≥ 1.0 × pino lines/s (sync and async)`,
      slowest,
      slowest >= 1,
      shown(speed),
    );
    const rss = against('peak_rss_mb');
    const largest = Math.max(...rss.map(({ ratio }) => ratio));
    strict(
      `logger, ${SHAPE_LABELS[shape]}: peak RSS ≤ 1.5 × pino (sync and async)`,
      largest,
      largest <= 1.5,
      shown(rss),
    );
    const delivered = deliveredWorst(name);
    strict(
      `logger, ${SHAPE_LABELS[shape]}: delivers every line`,
      delivered,
      delivered >= 100,
      `${fixed(delivered, 3)} % (worst round)`,
    );
    const disabled = m('shipshape', 'disabled_vs_emitted_percent');
    strict(
      `logger, ${SHAPE_LABELS[shape]}: a call below the level ≤ 1 % of an emitted line`,
      disabled,
      disabled <= 1,
      `${fixed(disabled, 3)} %`,
    );
  }
  if (results.has(WINSTON_CASE)) {
    const r = paired(results, WINSTON_CASE, 'shipshape', 'winston');
    strict(
      'shipshape + winston File transport ≥ 1.0 × plain winston lines/s',
      r,
      r >= 1,
      `${fixed(r)} ×`,
    );
    const delivered = deliveredWorst(WINSTON_CASE);
    strict(
      'shipshape + winston File transport delivers every line',
      delivered,
      delivered >= 100,
      `${fixed(delivered, 3)} % (worst round)`,
    );
  }
}
