// pnpm bench [--rounds N] [--only http,logger,metrics,shutdown,worker,startup,orders,telemetry]
//            [--smoke]
//            [--compare-node /usr/bin/node] [--postgres-url URL]
//            [--max-load L] [--settle-s S] [--allow-busy] [--out DIR] [--render-only]
// pnpm bench --instructions [--warmup-requests N] [--measured-requests N] [--repetitions N]
// Runs the cases in alternating rounds on a quiet machine, writes the run to
// <out>/results/latest.json and regenerates <out>/RESULTS.md and <out>/charts/*.svg in full.
// With --instructions it counts the HTTP stacks' instructions per request under callgrind instead
// (results/instructions.json), and regenerates RESULTS.md with them.
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { httpCase } from './cases/http.js';
import { loggerCases } from './cases/logger.js';
import { metricsCases } from './cases/metrics.js';
import { ordersCases } from './cases/orders.js';
import { shutdownCase } from './cases/shutdown.js';
import { startupCase } from './cases/startup.js';
import { telemetryCase } from './cases/telemetry.js';
import { workerCase } from './cases/worker.js';
import { nodeBinary, ownNode } from './compare-node.js';
import { describeMachine, pinSelf, planPinning } from './machine.js';
import type { BenchOptions } from './options.js';
import { MachineBusyError, QuietMachine, writeBackDirtyPages } from './quiet.js';
import { INSTRUCTIONS_FILE, PREVIOUS_FILE, writeResults, type RunRecord } from './results-file.js';
import { countInstructions } from './instructions.js';
import { instructionsSection } from './instructions-report.js';
import type { CaseResult } from './rounds.js';
import { judgeTargets } from './targets.js';
import { markdownReport } from './report.js';

const CASES: Record<string, (options: BenchOptions) => Promise<CaseResult | CaseResult[]>> = {
  http: httpCase,
  logger: loggerCases,
  metrics: metricsCases,
  shutdown: shutdownCase,
  worker: workerCase,
  startup: startupCase,
  orders: ordersCases,
  telemetry: telemetryCase,
};

const benchDir = fileURLToPath(new URL('../', import.meta.url));
const analysisFile = join(benchDir, 'ANALYSIS.md');

const { values } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    only: { type: 'string' },
    'max-load': { type: 'string' },
    'settle-s': { type: 'string' },
    'allow-busy': { type: 'boolean', default: false },
    out: { type: 'string' },
    'render-only': { type: 'boolean', default: false },
    instructions: { type: 'boolean', default: false },
    'warmup-requests': { type: 'string' },
    'measured-requests': { type: 'string' },
    repetitions: { type: 'string' },
    'compare-node': { type: 'string' },
    'postgres-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432' },
  },
});

function positive(name: string, raw: string | undefined, fallback: number): number {
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`--${name} must be a positive number (got "${String(raw)}")`);
  return value;
}

const smoke = values.smoke;
const selected = values.only?.split(',') ?? Object.keys(CASES);
for (const name of selected) {
  if (!(name in CASES))
    throw new Error(`unknown case "${name}"; the cases are: ${Object.keys(CASES).join(', ')}`);
}
const complete = selected.length === Object.keys(CASES).length;
// Only a complete, full run replaces bench/RESULTS.md unless --out says otherwise.
const outDir = resolve(
  values.out ?? join(benchDir, smoke ? 'results/smoke' : complete ? '' : 'results/partial'),
);
const recordFile = join(outDir, 'results/latest.json');

if (values['render-only']) {
  const recorded = JSON.parse(readFileSync(recordFile, 'utf8')) as RunRecord;
  // The targets are judged again from the recorded figures, so a change to how they are judged shows.
  const verdicts = judgeTargets(new Map(recorded.results.map((result) => [result.case, result])));
  const record: RunRecord = { ...recorded, verdicts };
  writeFileSync(recordFile, `${JSON.stringify(record, null, 2)}\n`);
  console.error(`bench: wrote ${await writeResults(outDir, record, analysisFile)}`);
  process.exit(0);
}

if (values.instructions) {
  // Instruction counts do not depend on the machine's load: no quiet check, both cores used.
  const counted = await countInstructions({
    warmupRequests: Math.round(positive('warmup-requests', values['warmup-requests'], 1_000)),
    measuredRequests: Math.round(
      positive('measured-requests', values['measured-requests'], smoke ? 200 : 2_000),
    ),
    repetitions: Math.round(positive('repetitions', values.repetitions, smoke ? 1 : 2)),
    parallel: Math.max(1, availableParallelism()),
    machine: `${cpus()[0]?.model.trim() ?? 'unknown'}, ${process.platform} ${process.arch}`,
    log: (line) => console.error(line),
  });
  const instructionsOut = values.out === undefined ? benchDir : resolve(values.out);
  mkdirSync(join(instructionsOut, 'results'), { recursive: true });
  writeFileSync(join(instructionsOut, INSTRUCTIONS_FILE), `${JSON.stringify(counted, null, 2)}\n`);
  console.log(instructionsSection(counted));
  const latest = join(instructionsOut, 'results/latest.json');
  if (existsSync(latest)) {
    const record = JSON.parse(readFileSync(latest, 'utf8')) as RunRecord;
    console.error(`bench: wrote ${await writeResults(instructionsOut, record, analysisFile)}`);
  }
  process.exit(0);
}

const rounds = Math.round(positive('rounds', values.rounds, smoke ? 1 : 3));
const maxLoad = positive('max-load', values['max-load'], 0.25 * availableParallelism());
const settleSeconds = positive('settle-s', values['settle-s'], 180);
const compareNode =
  values['compare-node'] === undefined ? undefined : nodeBinary(values['compare-node']);
const pinning = planPinning();
const machine = describeMachine(pinning);
pinSelf(pinning);
const quiet = new QuietMachine({
  maxLoad,
  settleSeconds: values['allow-busy'] ? 0.001 : settleSeconds,
  windowMs: smoke ? 500 : 2000,
  allowBusy: values['allow-busy'],
  log: (line) => console.error(`bench: ${line}`),
});
const command = ['pnpm bench', ...process.argv.slice(2)].join(' ');
console.error(`bench: ${command}; ${pinning.description}`);
if (compareNode !== undefined)
  console.error(
    `bench: http, worker and startup also run under Node ${compareNode.version} (${compareNode.path}), contenders marked @${compareNode.label}`,
  );

const options: BenchOptions = {
  smoke,
  rounds,
  pinning,
  postgresUrl: values['postgres-url'],
  compareNode,
  progress: (contender, round, measured) => {
    const shown = Object.entries(measured).map(
      ([k, v]) => `${k}=${Number.isInteger(v) ? v : v.toFixed(2)}`,
    );
    console.error(`  round ${round} ${contender}: ${shown.join(' ')}`);
  },
  beforeRound: (caseName, round) => {
    writeBackDirtyPages();
    return quiet.check(`${caseName} round ${round}`);
  },
};

const results: CaseResult[] = [];
let beforeRun;
try {
  beforeRun = await quiet.check('before the run', true);
  for (const name of selected) {
    const run = CASES[name];
    if (run === undefined) continue;
    console.error(`case ${name}…`);
    const result = await run(options);
    results.push(...(Array.isArray(result) ? result : [result]));
  }
} catch (error) {
  if (!(error instanceof MachineBusyError)) throw error;
  console.error(`bench: refused: ${error.message}`);
  process.exit(3);
}

const record: RunRecord = {
  run: {
    when: new Date().toISOString(),
    machine,
    rounds,
    smoke,
    busy: quiet.busy,
    maxLoad,
    beforeRun,
    command,
    ...(compareNode === undefined ? {} : { nodes: { own: ownNode(), other: compareNode } }),
  },
  results,
  verdicts: judgeTargets(new Map(results.map((r) => [r.case, r]))),
};
console.log(
  markdownReport(
    record.results,
    record.verdicts,
    { ...record.run, when: new Date(record.run.when) },
    [],
  ),
);
mkdirSync(join(outDir, 'results'), { recursive: true });
// The run this one replaces stays, so RESULTS.md can say whether the two agree.
if (!smoke && existsSync(recordFile)) copyFileSync(recordFile, join(outDir, PREVIOUS_FILE));
writeFileSync(recordFile, `${JSON.stringify(record, null, 2)}\n`);
console.error(`bench: wrote ${recordFile}`);
console.error(`bench: wrote ${await writeResults(outDir, record, analysisFile)}`);
