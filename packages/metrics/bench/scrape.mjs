// Scrape cost at 1k / 10k / 50k histogram series: @shipshape/metrics (as its /metrics handler
// renders: slices encoded as they are produced) vs plain prom-client (`res.end(await registry.metrics())`).
// Reports total wall time, the longest event-loop block seen by a 1 ms timer (wall), and the
// longest on-CPU stretch of the event-loop thread (Linux schedstat; immune to preemption by other
// processes). Usage: node bench/scrape.mjs [sizes=1000,10000,50000] [rounds=3]  (build first)
import { existsSync, readFileSync } from 'node:fs';
import { createMetrics } from '../dist/index.js';

const sizes = (process.argv[2] ?? '1000,10000,50000').split(',').map(Number);
const rounds = Number(process.argv[3] ?? 3);
const schedstat = `/proc/${process.pid}/task/${process.pid}/schedstat`;
const threadCpuMs = existsSync(schedstat)
  ? () => Number(readFileSync(schedstat, 'utf8').split(' ')[0]) / 1e6
  : () => NaN;

async function measure(work) {
  let lastWall = performance.now();
  let lastCpu = threadCpuMs();
  let wallBlock = 0;
  let cpuBlock = 0;
  let running = true;
  const tick = () => {
    const wall = performance.now();
    const cpu = threadCpuMs();
    wallBlock = Math.max(wallBlock, wall - lastWall);
    cpuBlock = Math.max(cpuBlock, cpu - lastCpu);
    lastWall = wall;
    lastCpu = cpu;
    if (running) setTimeout(tick, 1);
  };
  setTimeout(tick, 1);
  const start = performance.now();
  await work();
  const totalMs = performance.now() - start;
  running = false;
  tick();
  return { totalMs, wallBlock, cpuBlock };
}

function build(series) {
  const metrics = createMetrics({
    service: 'bench',
    version: '1.0.0',
    seriesLimit: series + 1,
    defaultMetrics: false,
  });
  const histogram = metrics.histogram({
    name: 'bench_request_duration_seconds',
    help: 'Bench.',
    labelNames: ['route', 'status'],
  });
  for (let index = 0; index < series; index++)
    histogram.observe({ route: `/r/${index}`, status: '200' }, (index % 100) / 100);
  return metrics;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const round1 = (value) => Math.round(value * 10) / 10;
const rows = [];
for (const series of sizes) {
  const metrics = build(series);
  const { serializeRegistry } = await import('../dist/serialize.js');
  const ours = [];
  const plain = [];
  for (let round = 0; round < rounds; round++) {
    ours.push(
      await measure(() =>
        serializeRegistry(metrics.registry, {
          format: 'prometheus',
          defaultLabels: { service: 'bench', version: '1.0.0' },
          sliceBudgetMs: 5,
          write: (chunk) => Buffer.from(chunk, 'utf8'),
        }),
      ),
    );
    plain.push(await measure(async () => Buffer.from(await metrics.registry.metrics(), 'utf8')));
  }
  rows.push({
    series,
    'ours total ms': round1(median(ours.map((r) => r.totalMs))),
    'prom-client total ms': round1(median(plain.map((r) => r.totalMs))),
    'ours longest block ms (wall)': round1(median(ours.map((r) => r.wallBlock))),
    'ours longest block ms (cpu)': round1(median(ours.map((r) => r.cpuBlock))),
    'prom-client longest block ms (wall)': round1(median(plain.map((r) => r.wallBlock))),
  });
  metrics.stop();
}
console.table(rows);
console.log(
  `node ${process.version}, load average ${(await import('node:os')).loadavg().map(round1).join(' ')}`,
);
