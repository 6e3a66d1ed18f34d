import { cpus, totalmem } from 'node:os';
import { ratio, type CaseResult } from './rounds.js';
import type { TargetVerdict } from './targets.js';

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly platform: string;
}

export function describeMachine(): Machine {
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

function format(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return '–';
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(value === Math.round(value) ? 0 : 3);
}

/** A Markdown table of a case: one row per contender, a column per metric, and the ratio. */
export function caseTable(result: CaseResult): string {
  const metrics = Object.keys(result.units);
  const header = [
    '',
    ...metrics.map((m) => (result.units[m] ? `${m} (${result.units[m]})` : m)),
    `ratio of ${result.ratioOf.metric}`,
  ];
  const rows = Object.keys(result.medians).map((contender) => [
    contender === result.baseline ? `${contender} (baseline)` : contender,
    ...metrics.map((m) => format(result.medians[contender]?.[m])),
    `${format(ratio(result, contender))} ×`,
  ]);
  return [header, header.map(() => '---'), ...rows]
    .map((cells) => `| ${cells.join(' | ')} |`)
    .join('\n');
}

export function targetsTable(verdicts: readonly TargetVerdict[]): string {
  const rows = verdicts.map(
    (v) => `| ${v.target} | ${v.measured} | ${v.met ? 'met' : '**not met**'} |`,
  );
  return ['| target | measured | verdict |', '| --- | --- | --- |', ...rows].join('\n');
}

export function markdownReport(
  results: readonly CaseResult[],
  verdicts: readonly TargetVerdict[],
  machine: Machine,
  when: Date,
  quick: boolean,
): string {
  const sections = results.map(
    (result) =>
      `### ${result.case}\n\n${result.description}; median of ${result.rounds} alternating rounds.\n\n${caseTable(result)}\n`,
  );
  return [
    `Measured ${when.toISOString()} on ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ` +
      `Node ${machine.node}, ${machine.platform}${quick ? ' — QUICK smoke run, not figures to quote' : ''}.`,
    '',
    '### targets',
    '',
    targetsTable(verdicts),
    '',
    ...sections,
  ].join('\n');
}
