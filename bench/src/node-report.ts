import type { NodeBinary, NodePair } from './compare-node.js';
import { withSpread } from './format.js';
import { median, type CaseResult } from './rounds.js';

/** One line of the comparison: a figure per round under each Node.js. */
interface Line {
  readonly case: string;
  readonly contender: string;
  readonly figure: string;
  /** Per round, under the runner's Node.js and under the other one. */
  readonly own: readonly number[];
  readonly other: readonly number[];
  /** The middle value of each column, as the case tables compute it (a ratio: the median of the rounds'). */
  readonly ownMiddle: number;
  readonly otherMiddle: number;
}

const major = (node: NodeBinary): string => node.version.replace(/^v/, '').split('.')[0] ?? '';

const perRound = (
  a: readonly number[],
  b: readonly number[],
  op: (x: number, y: number) => number,
) => a.map((value, index) => op(value, b[index] ?? Number.NaN));

const samples = (result: CaseResult, contender: string, metric: string): number[] => [
  ...(result.samples[contender]?.[metric] ?? []),
];

/**
 * For each pair: its figure under each Node.js; and for each pair beside the baseline's pair, the
 * overhead over the baseline on each Node.js (the ratio, and the µs added per request where the case
 * measures them).
 */
function lines(result: CaseResult): Line[] {
  const pairs = result.nodePairs ?? [];
  const { metric } = result.ratioOf;
  const unit = result.units[metric] ?? metric;
  const out: Line[] = [];
  const named = (pair: NodePair) =>
    pair.other.startsWith(`${pair.own}@`) ? pair.own : `${pair.own} / ${pair.other}`;
  for (const pair of pairs) {
    const own = samples(result, pair.own, metric);
    const other = samples(result, pair.other, metric);
    out.push({
      case: result.case,
      contender: named(pair),
      figure: unit,
      own,
      other,
      ownMiddle: median(own),
      otherMiddle: median(other),
    });
  }
  const base = pairs.find((pair) => pair.own === result.baseline);
  if (base === undefined) return out;
  for (const pair of pairs.filter((p) => p !== base)) {
    const over = (which: 'own' | 'other', m: string, op: (x: number, y: number) => number) => {
      const mine = samples(result, pair[which], m);
      const theirs = samples(result, base[which], m);
      const rounds = perRound(mine, theirs, op);
      return { rounds, middle: median(rounds) };
    };
    const divide = (x: number, y: number) => x / y;
    const own = over('own', metric, divide);
    const other = over('other', metric, divide);
    out.push({
      case: result.case,
      contender: `${pair.own} ÷ ${base.own}`,
      figure: `ratio of ${unit}`,
      own: own.rounds,
      other: other.rounds,
      ownMiddle: own.middle,
      otherMiddle: other.middle,
    });
    if (result.units['time_per_request_us'] !== undefined) {
      const subtract = (x: number, y: number) => x - y;
      const ownUs = over('own', 'time_per_request_us', subtract);
      const otherUs = over('other', 'time_per_request_us', subtract);
      out.push({
        case: result.case,
        contender: `${pair.own} − ${base.own}`,
        figure: 'µs added per request',
        own: ownUs.rounds,
        other: otherUs.rounds,
        ownMiddle: ownUs.middle,
        otherMiddle: otherUs.middle,
      });
    }
  }
  return out;
}

/** The heading of the comparison: `Node 20 → 24`. */
export const nodeComparisonHeading = (nodes: { own: NodeBinary; other: NodeBinary }): string =>
  `Node ${major(nodes.other)} → ${major(nodes.own)}`;

/**
 * The Node.js comparison: every pair the cases measured under both Node.js versions, in the same
 * rounds, with the ratio newer / older per round. Empty when no case has pairs.
 */
export function nodeComparison(
  results: readonly CaseResult[],
  nodes: { own: NodeBinary; other: NodeBinary },
): string {
  const all = results.flatMap(lines);
  if (all.length === 0) return '';
  const [older, newer] = [major(nodes.other), major(nodes.own)];
  const header = `| case | contender | figure | Node ${older} | Node ${newer} | ${newer} / ${older} |`;
  const rows = all.map((line) => {
    const ratios = perRound(line.own, line.other, (x, y) => x / y);
    return `| ${line.case} | ${line.contender} | ${line.figure} | ${withSpread(line.other, line.otherMiddle)} | ${withSpread(line.own, line.ownMiddle)} | ${withSpread(ratios, median(ratios))} × |`;
  });
  const addons = results
    .flatMap((result) =>
      (result.nodePairs ?? []).map((pair) => {
        const loaded = result.nativeAddons?.[pair.other];
        return loaded === undefined || loaded.length === 0
          ? undefined
          : `${result.case} ${pair.other}: ${loaded.join(', ')}`;
      }),
    )
    .filter((entry) => entry !== undefined);
  return [
    `The same contenders under Node ${nodes.other.version} (\`${nodes.other.path}\`) and ` +
      `${nodes.own.version} (the runner's), alternating in the same rounds. ` +
      `${newer} / ${older} is the Node ${newer} figure over the Node ${older} one, per round: above 1 ` +
      `is more for req/s and jobs/s, below 1 is less for ms and µs. Native addons loaded, the same ` +
      `packages under both (checked, else the run stops): ` +
      `${addons.length === 0 ? 'none' : [...new Set(addons)].join('; ')}.`,
    '',
    header,
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}
