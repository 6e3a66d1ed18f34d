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
}

export interface Alternation {
  readonly medians: Record<string, Record<string, number>>;
  readonly samples: Record<string, Record<string, number[]>>;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const upper = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
  const lower = sorted[Math.ceil(sorted.length / 2) - 1] ?? Number.NaN;
  return (lower + upper) / 2;
}

/**
 * Measures the contenders in alternating rounds (A B C, A B C, …) so that drift of the machine
 * (thermal, other load) lands on every contender alike, and keeps the median of each metric.
 */
export async function alternate(
  contenders: readonly Contender[],
  rounds: number,
  onMeasurement?: (name: string, round: number, values: Record<string, number>) => void,
): Promise<Alternation> {
  const samples = new Map<string, Record<string, number[]>>();
  for (let round = 1; round <= rounds; round++) {
    for (const contender of contenders) {
      const values = await contender.measure();
      onMeasurement?.(contender.name, round, values);
      const perMetric = samples.get(contender.name) ?? {};
      for (const [metric, value] of Object.entries(values)) (perMetric[metric] ??= []).push(value);
      samples.set(contender.name, perMetric);
    }
  }
  const medians = Object.fromEntries(
    [...samples].map(([name, perMetric]) => [
      name,
      Object.fromEntries(
        Object.entries(perMetric).map(([metric, values]) => [metric, median(values)]),
      ),
    ]),
  );
  return { medians, samples: Object.fromEntries(samples) };
}

export function ratio(result: CaseResult, contender: string, against = result.baseline): number {
  const { metric } = result.ratioOf;
  return (
    (result.medians[contender]?.[metric] ?? Number.NaN) /
    (result.medians[against]?.[metric] ?? Number.NaN)
  );
}
