// pnpm bench [--quick] [--rounds N] [--only http,logger,metrics,shutdown,worker,startup]
// Runs the cases in alternating rounds, prints Markdown tables of medians and ratios, writes the
// same as JSON under bench/results/ and refreshes the figures in bench/RESULTS.md.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { httpCase } from './cases/http.js';
import { loggerCase } from './cases/logger.js';
import { metricsCases } from './cases/metrics.js';
import { shutdownCase } from './cases/shutdown.js';
import { startupCase } from './cases/startup.js';
import { workerCase } from './cases/worker.js';
import type { BenchOptions } from './options.js';
import { describeMachine, markdownReport } from './report.js';
import type { CaseResult } from './rounds.js';
import { judgeTargets } from './targets.js';

const CASES: Record<string, (options: BenchOptions) => Promise<CaseResult | CaseResult[]>> = {
  http: httpCase,
  logger: loggerCase,
  metrics: metricsCases,
  shutdown: shutdownCase,
  worker: workerCase,
  startup: startupCase,
};

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    only: { type: 'string' },
  },
});
const quick = values.quick;
const rounds = Number(values.rounds ?? (quick ? 1 : 3));
const selected = values.only?.split(',') ?? Object.keys(CASES);
for (const name of selected) {
  if (!(name in CASES))
    throw new Error(`unknown case "${name}"; the cases are: ${Object.keys(CASES).join(', ')}`);
}

const options: BenchOptions = {
  quick,
  rounds,
  progress: (contender, round, measured) => {
    const shown = Object.entries(measured).map(
      ([k, v]) => `${k}=${Number.isInteger(v) ? v : v.toFixed(2)}`,
    );
    console.error(`  round ${round} ${contender}: ${shown.join(' ')}`);
  },
};

const results: CaseResult[] = [];
for (const name of selected) {
  const run = CASES[name];
  if (run === undefined)
    throw new Error(`unknown case "${name}"; the cases are: ${Object.keys(CASES).join(', ')}`);
  console.error(`case ${name}…`);
  const result = await run(options);
  results.push(...(Array.isArray(result) ? result : [result]));
}

const when = new Date();
const machine = describeMachine();
const verdicts = judgeTargets(new Map(results.map((r) => [r.case, r])));
const report = markdownReport(results, verdicts, machine, when, quick);
console.log(report);

const benchDir = fileURLToPath(new URL('../', import.meta.url));
mkdirSync(`${benchDir}results`, { recursive: true });
const json = JSON.stringify(
  { when: when.toISOString(), machine, quick, rounds, results, verdicts },
  null,
  2,
);
writeFileSync(`${benchDir}results/latest${quick ? '-quick' : ''}.json`, `${json}\n`);

// A quick run proves the cases work; it never replaces the figures in RESULTS.md.
if (!quick && selected.length === Object.keys(CASES).length) {
  const resultsFile = `${benchDir}RESULTS.md`;
  const current = readFileSync(resultsFile, 'utf8');
  const begin = '<!-- figures:begin -->';
  const end = '<!-- figures:end -->';
  const updated = current.replace(
    new RegExp(`${begin}[\\s\\S]*${end}`),
    `${begin}\n${report}\n${end}`,
  );
  writeFileSync(resultsFile, updated);
}
