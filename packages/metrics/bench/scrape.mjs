// Scrape time and longest event-loop block: @shipshape/metrics vs plain prom-client registry.metrics().
// Usage: node bench/scrape.mjs [seriesCounts=1000,10000,50000] [rounds=3]   (build first: pnpm build)
import { createMetrics } from '../dist/index.js';

const sizes = (process.argv[2] ?? '1000,10000,50000').split(',').map(Number);
const rounds = Number(process.argv[3] ?? 3);

/** Runs fn while a 1 ms timer measures the longest gap between its ticks (event-loop block). */
async function measure(fn) {
  let last = performance.now();
  let longest = 0;
  let running = true;
  const tick = () => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
    if (running) setTimeout(tick, 1);
  };
  setTimeout(tick, 1);
  const start = performance.now();
  const output = await fn();
  const totalMs = performance.now() - start;
  running = false;
  const now = performance.now();
  longest = Math.max(longest, now - last);
  return { totalMs, longestBlockMs: longest, bytes: output.length };
}

export function buildRegistry(series) {
  const metrics = createMetrics({
    service: 'bench',
    version: '1.0.0',
    seriesLimit: series + 1,
    defaultMetrics: false,
  });
  const histogram = metrics.histogram({
    name: 'bench_request_duration_seconds',
    help: 'Bench histogram.',
    labelNames: ['route', 'status'],
  });
  for (let index = 0; index < series; index++)
    histogram.observe({ route: `/r/${index}`, status: '200' }, (index % 100) / 100);
  return metrics;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const results = [];
for (const series of sizes) {
  const metrics = buildRegistry(series);
  const ours = [];
  const theirs = [];
  for (let round = 0; round < rounds; round++) {
    ours.push(await measure(() => metrics.scrape()));
    theirs.push(await measure(() => metrics.registry.metrics()));
  }
  const row = {
    series,
    ours_total_ms: median(ours.map((r) => r.totalMs)),
    ours_longest_block_ms: median(ours.map((r) => r.longestBlockMs)),
    promclient_total_ms: median(theirs.map((r) => r.totalMs)),
    promclient_longest_block_ms: median(theirs.map((r) => r.longestBlockMs)),
  };
  results.push(row);
  metrics.stop();
}
console.table(
  results.map((r) =>
    Object.fromEntries(
      Object.entries(r).map(([k, v]) => [k, typeof v === 'number' ? Math.round(v * 10) / 10 : v]),
    ),
  ),
);
if (process.env.BENCH_JSON) console.log(JSON.stringify(results));
