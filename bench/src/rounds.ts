import type { NodePair } from './compare-node.js';
import type { BenchOptions } from './options.js';
import type { LoadCheck } from './quiet.js';

/** One configuration of a case: a name, and how to take one measurement of it. */
export interface Contender {
  readonly name: string;
  measure(): Promise<Record<string, number>>;
}

export interface CaseResult {
  readonly case: string;
  readonly description: string;
  readonly baseline: string;
  /** The metric ratios are computed on; `higher` means more is better. */
  readonly ratioOf: { readonly metric: string; readonly better: 'higher' | 'lower' };
  readonly units: Readonly<Record<string, string>>;
  readonly rounds: number;
  /** Median of each metric per contender. */
  readonly medians: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Every measurement, per contender and metric, in round order. */
  readonly samples: Readonly<Record<string, Readonly<Record<string, readonly number[]>>>>;
  /** The quiet-machine check taken before each round. */
  readonly loadChecks: readonly LoadCheck[];
  /** Contenders measured under both Node.js versions (`--compare-node`), own and other. */
  readonly nodePairs?: readonly NodePair[] | undefined;
  /** The native addons each contender's process loaded, where the case looked. */
  readonly nativeAddons?: Readonly<Record<string, readonly string[]>> | undefined;
}

export type CaseDescription = Omit<
  CaseResult,
  'rounds' | 'medians' | 'samples' | 'loadChecks' | 'nativeAddons'
>;

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const upper = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
  const lower = sorted[Math.ceil(sorted.length / 2) - 1] ?? Number.NaN;
  return (lower + upper) / 2;
}

/**
 * Measures every contender in every round, the order rotated each round (A B C, B C A, C A B, …)
 * so that drift of the machine and the cost of going first land on every contender alike, and
 * keeps the median of each metric. The quiet-machine check runs before each round.
 */
export async function alternate(
  description: CaseDescription,
  contenders: readonly Contender[],
  options: BenchOptions,
): Promise<CaseResult> {
  const samples = new Map<string, Record<string, number[]>>(
    contenders.map((contender) => [contender.name, {}]),
  );
  const loadChecks: LoadCheck[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    loadChecks.push(await options.beforeRound(description.case, round));
    const shift = (round - 1) % contenders.length;
    for (const contender of [...contenders.slice(shift), ...contenders.slice(0, shift)]) {
      keep(samples, contender.name, round, await contender.measure(), options);
    }
  }
  return resultOf(description, samples, loadChecks, options);
}

/**
 * Like `alternate`, for contenders measured side by side: each round `measureRound` measures every
 * contender at once (their slices interleaved, as the `http` case does) and returns each one's
 * figures by name.
 */
export async function alternateTogether(
  description: CaseDescription,
  names: readonly string[],
  measureRound: (round: number) => Promise<Readonly<Record<string, Record<string, number>>>>,
  options: BenchOptions,
): Promise<CaseResult> {
  const samples = new Map<string, Record<string, number[]>>(names.map((name) => [name, {}]));
  const loadChecks: LoadCheck[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    loadChecks.push(await options.beforeRound(description.case, round));
    const measured = await measureRound(round);
    for (const name of names) {
      const values = measured[name];
      if (values === undefined)
        throw new Error(`${description.case}: round ${round} measured no ${name}`);
      keep(samples, name, round, values, options);
    }
  }
  return resultOf(description, samples, loadChecks, options);
}

/** Adds one measurement to a contender's samples and reports it. */
function keep(
  samples: Map<string, Record<string, number[]>>,
  name: string,
  round: number,
  values: Record<string, number>,
  options: BenchOptions,
): void {
  options.progress(name, round, values);
  const perMetric = samples.get(name) ?? {};
  for (const [metric, value] of Object.entries(values)) (perMetric[metric] ??= []).push(value);
  samples.set(name, perMetric);
}

function resultOf(
  description: CaseDescription,
  samples: ReadonlyMap<string, Record<string, number[]>>,
  loadChecks: LoadCheck[],
  options: BenchOptions,
): CaseResult {
  const medians = Object.fromEntries(
    [...samples].map(([name, perMetric]) => [
      name,
      Object.fromEntries(
        Object.entries(perMetric).map(([metric, values]) => [metric, median(values)]),
      ),
    ]),
  );
  return {
    ...description,
    rounds: options.rounds,
    medians,
    samples: Object.fromEntries(samples),
    loadChecks,
  };
}

/**
 * The ratio to the baseline (or to `against`) in each round: rounds are paired (same round, same
 * state of the machine), so a round's ratio cancels the drift between rounds.
 */
export function roundRatios(
  result: CaseResult,
  contender: string,
  against = result.baseline,
): number[] {
  const { metric } = result.ratioOf;
  const mine = result.samples[contender]?.[metric] ?? [];
  const theirs = result.samples[against]?.[metric] ?? [];
  return mine.map((value, index) => value / (theirs[index] ?? Number.NaN));
}

/**
 * The figure quoted for a contender: the median of its paired round ratios. A ratio of medians
 * would pair one round's contender with another round's baseline whenever the host's speed drifts
 * between rounds, which it does on shared machines.
 */
export function ratio(result: CaseResult, contender: string, against = result.baseline): number {
  const ratios = roundRatios(result, contender, against);
  return ratios.length === 0 ? Number.NaN : median(ratios);
}
