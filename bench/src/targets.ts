import type { CaseResult } from './rounds.js';

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
    const rps = (c: string) => median(results, 'http', c, 'requests_per_second');
    const p99 = (c: string) => median(results, 'http', c, 'latency_p99_ms');
    const us = (c: string) => median(results, 'http', c, 'time_per_request_us');
    judge(
      'full instrumentation ≥ 0.90 × bare Express req/s',
      rps('shipshape') / rps('bare'),
      0.9,
      'least',
      `${fixed(rps('shipshape') / rps('bare'))} ×`,
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
      rps('shipshape') / rps('peer'),
      2.3,
      'least',
      `${fixed(rps('shipshape') / rps('peer'))} ×`,
    );
    judge(
      'at most ~7 µs added per request',
      us('shipshape') - us('bare'),
      7,
      'most',
      `${fixed(us('shipshape') - us('bare'), 1)} µs`,
    );
  }
  if (results.has('logger')) {
    const m = (c: string, k: string) => median(results, 'logger', c, k);
    judge(
      'logger ≥ 1.0 × pino lines/s',
      m('shipshape', 'lines_per_second') / m('pino', 'lines_per_second'),
      1,
      'least',
      `${fixed(m('shipshape', 'lines_per_second') / m('pino', 'lines_per_second'))} ×`,
    );
    judge(
      'logger peak RSS ≤ 1.5 × pino',
      m('shipshape', 'peak_rss_mb') / m('pino', 'peak_rss_mb'),
      1.5,
      'most',
      `${fixed(m('shipshape', 'peak_rss_mb') / m('pino', 'peak_rss_mb'))} ×`,
    );
    const delivered = Math.min(
      ...(results.get('logger')?.samples['shipshape']?.['delivered_percent'] ?? [Number.NaN]),
    );
    judge(
      'logger delivers every line',
      delivered,
      100,
      'least',
      `${fixed(delivered, 3)} % (worst round)`,
    );
    judge(
      'a call below the level ≤ 1 % of an emitted line',
      m('shipshape', 'disabled_vs_emitted_percent'),
      1,
      'most',
      `${fixed(m('shipshape', 'disabled_vs_emitted_percent'), 3)} %`,
    );
  }
  const blockLimits: Record<string, number> = { '10k': 20, '50k': 25 };
  for (const size of ['1k', '10k', '50k']) {
    const name = `metrics-${size}`;
    if (!results.has(name)) continue;
    const m = (c: string, k: string) => median(results, name, c, k);
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
      m('shipshape', 'scrape_ms') / m('prom-client', 'scrape_ms'),
      1,
      'most',
      `${fixed(m('shipshape', 'scrape_ms') / m('prom-client', 'scrape_ms'))} ×`,
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
    const r =
      median(results, 'worker', 'instrumented', 'jobs_per_second') /
      median(results, 'worker', 'bare', 'jobs_per_second');
    judge('instrumented worker ≥ 0.95 × bare BullMQ jobs/s', r, 0.95, 'least', `${fixed(r)} ×`);
  }
  for (const [backend, label] of [
    ['sqlite', 'SQLite'],
    ['postgres', 'PostgreSQL'],
  ] as const) {
    const name = `orders-${backend}`;
    if (!results.has(name)) continue;
    const r =
      median(results, name, 'outbox', 'requests_per_second') /
      median(results, name, 'direct-enqueue', 'requests_per_second');
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
