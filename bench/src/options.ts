export interface BenchOptions {
  /** Short measurements: a smoke run that proves every case works, not figures to quote. */
  readonly quick: boolean;
  readonly rounds: number;
  readonly progress: (contender: string, round: number, values: Record<string, number>) => void;
}
