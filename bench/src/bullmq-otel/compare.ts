// BullMQ tracing, hand-written propagation vs BullMQ's own integration (bullmq-otel), measured
// against the local Redis. Each contender runs in a child process of its own, once per round, the
// order rotated every round; the figures are the median with the lowest and highest round.
//
//   taskset -c 1 node bench/dist/bullmq-otel/compare.js [--rounds 3] [--jobs 5000] [--warmup 500] [--json FILE]
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { deleteQueueKeys } from '../queue-keys.js';
import { CONTENDERS, type Contender, type ContenderResult } from './contender.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    jobs: { type: 'string', default: '5000' },
    warmup: { type: 'string', default: '500' },
    json: { type: 'string' },
  },
});
const rounds = Number(values.rounds);
const jobs = Number(values.jobs);
const warmup = Number(values.warmup);
if (![rounds, jobs].every((n) => Number.isInteger(n) && n > 0) || !(warmup >= 0)) {
  console.error('--rounds and --jobs must be positive integers, --warmup a count ≥ 0');
  process.exit(2);
}

const affinity =
  /^Cpus_allowed_list:\s*(.+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '?';
const load = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');

/** Runs one contender in a child process (same Node, same CPU affinity as this one). */
function runChild(contender: Contender, prefix: string): Promise<ContenderResult> {
  const script = new URL('./contender.js', import.meta.url).pathname;
  const child = spawn(process.execPath, [script, contender, String(jobs), String(warmup), prefix], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let result: ContenderResult | undefined;
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (line.startsWith('@bench ')) result = JSON.parse(line.slice(7)) as ContenderResult;
    else console.log(line);
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0 && result !== undefined) resolve(result);
      else reject(new Error(`contender ${contender} exited with ${code} and no result`));
    });
  });
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? NaN)
    : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
};
const spread = (values: readonly number[], digits: number) =>
  `${median(values).toFixed(digits)} (${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)})`;

const startedAt = new Date();
console.log(`# BullMQ tracing: hand-written propagation vs bullmq-otel\n`);
console.log(
  `${startedAt.toISOString()} · Node ${process.version} · ${cpus()[0]?.model ?? '?'} · ` +
    `${cpus().length} cores, ${availableParallelism()} usable · CPU affinity ${affinity} · ` +
    `${jobs} jobs (+${warmup} warm-up) per contender and round · ${rounds} rounds`,
);

const samples: { round: number; loadBefore: string; result: ContenderResult }[] = [];
for (let round = 0; round < rounds; round++) {
  const order = CONTENDERS.map((_, i) => CONTENDERS[(i + round) % CONTENDERS.length] as Contender);
  const loadBefore = load();
  console.log(
    `round ${round + 1}: load average ${loadBefore} (1, 5, 15 min); ${order.join(' → ')}`,
  );
  for (const contender of order) {
    const prefix = `shipshape-bench-otel-${randomUUID()}`;
    try {
      const result = await runChild(contender, prefix);
      samples.push({ round, loadBefore, result });
      console.log(
        `  ${contender}: ${result.jobsPerSecond.toFixed(0)} jobs/s, ` +
          `${result.cpuMicrosPerJob.toFixed(0)} µs CPU/job`,
      );
    } finally {
      await deleteQueueKeys(prefix);
    }
  }
}

const of = (contender: Contender) =>
  samples.filter((s) => s.result.contender === contender).map((s) => s.result);
/** Per-round ratio of a figure against another contender's in the same round, then the median. */
const pairedRatio = (a: Contender, b: Contender, figure: (r: ContenderResult) => number) => {
  const ratios: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const x = samples.find((s) => s.round === round && s.result.contender === a)?.result;
    const y = samples.find((s) => s.round === round && s.result.contender === b)?.result;
    if (x && y) ratios.push(figure(x) / figure(y));
  }
  return spread(ratios, 2);
};

console.log(`\n## Throughput and CPU (median, lowest–highest of ${rounds} rounds)\n`);
console.log(
  '| contender | jobs/s (add → completed) | CPU µs per job | CPU/job vs baseline | spans per job |',
);
console.log('| --- | --- | --- | --- | --- |');
for (const contender of CONTENDERS) {
  const results = of(contender);
  console.log(
    `| ${contender} | ${spread(
      results.map((r) => r.jobsPerSecond),
      0,
    )} | ${spread(
      results.map((r) => r.cpuMicrosPerJob),
      0,
    )} | ${pairedRatio(contender, 'baseline', (r) => r.cpuMicrosPerJob)} | ${spread(
      results.map((r) => r.shape.spansPerJob),
      2,
    )} |`,
  );
}
console.log(
  `\nbullmq-otel vs hand-written, paired per round: CPU per job ×${pairedRatio(
    'bullmq-otel',
    'hand-written',
    (r) => r.cpuMicrosPerJob,
  )}, jobs/s ×${pairedRatio('bullmq-otel', 'hand-written', (r) => r.jobsPerSecond)}`,
);

console.log('\n## Trace shape (first round)\n');
console.log(
  '| contender | spans per job (name, kind) | consumers | SERVER → PRODUCER → CONSUMER by parent | consumer in the server span’s trace | linked |',
);
console.log('| --- | --- | --- | --- | --- | --- |');
for (const contender of CONTENDERS) {
  const first = of(contender)[0];
  if (first === undefined) continue;
  const s = first.shape;
  const names = s.perJob.map((p) => `${p.span} ×${p.perJob.toFixed(2)}`).join('; ') || '—';
  console.log(
    `| ${contender} | ${names} | ${s.consumers} | ${s.serverProducerConsumer} | ${s.inServerTrace} | ${s.linkedToServerTrace} |`,
  );
}
console.log(`\nload average after: ${load()}`);

if (values.json !== undefined) {
  writeFileSync(
    values.json,
    `${JSON.stringify({ startedAt, node: process.version, cores: cpus().length, affinity, rounds, jobs, warmup, samples }, null, 2)}\n`,
  );
}
