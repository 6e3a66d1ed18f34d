import { ratio, type CaseResult } from './rounds.js';

/** How far a ratio may move between two runs on the same quiet machine and still agree. */
export const AGREEMENT_TOLERANCE = 0.1;

/** One contender's ratio to its case's baseline in two runs. */
export interface RatioAgreement {
  readonly case: string;
  readonly contender: string;
  readonly previous: number;
  readonly current: number;
  /** current ÷ previous − 1; undefined when the previous ratio is 0 (nothing to divide by). */
  readonly change: number | undefined;
  readonly agrees: boolean;
}

/**
 * Every ratio the two runs both measured (same case, same contender, same baseline), and whether
 * it moved by at most `tolerance`. Two ratios of 0 (no request lost in either run) agree.
 */
export function compareRuns(
  previous: readonly CaseResult[],
  current: readonly CaseResult[],
  tolerance = AGREEMENT_TOLERANCE,
): RatioAgreement[] {
  const earlier = new Map(previous.map((result) => [result.case, result]));
  const out: RatioAgreement[] = [];
  for (const result of current) {
    const before = earlier.get(result.case);
    if (before === undefined || before.baseline !== result.baseline) continue;
    for (const contender of Object.keys(result.medians)) {
      if (contender === result.baseline || before.medians[contender] === undefined) continue;
      const was = ratio(before, contender);
      const now = ratio(result, contender);
      if (!Number.isFinite(was) || !Number.isFinite(now)) continue;
      const change = was === 0 ? undefined : now / was - 1;
      out.push({
        case: result.case,
        contender,
        previous: was,
        current: now,
        change,
        agrees: change === undefined ? now === 0 : Math.abs(change) <= tolerance,
      });
    }
  }
  return out;
}

/** The RESULTS.md section comparing this run's ratios with the previous run's. */
export function comparisonSection(
  agreements: readonly RatioAgreement[],
  previousWhen: string,
): string {
  const agreeing = agreements.filter((a) => a.agrees).length;
  const rows = agreements.map(
    (a) =>
      `| ${a.case} | ${a.contender} | ${a.previous.toFixed(3)} × | ${a.current.toFixed(3)} × | ${
        a.change === undefined ? '–' : `${a.change >= 0 ? '+' : ''}${(100 * a.change).toFixed(1)} %`
      } | ${a.agrees ? 'yes' : '**no**'} |`,
  );
  return [
    '## Against the previous run',
    '',
    `Each ratio of this run against the same ratio in the previous full run (${previousWhen}, ` +
      '`results/previous.json`), on the same machine: ' +
      `${agreeing} of ${agreements.length} agree within ${100 * AGREEMENT_TOLERANCE} %.`,
    '',
    '| case | contender | previous run | this run | change | within 10 % |',
    '| ---- | --------- | ------------ | -------- | ------ | ----------- |',
    ...rows,
    '',
  ].join('\n');
}
