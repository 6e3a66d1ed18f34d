import type { Pinning } from './machine.js';
import type { LoadCheck } from './quiet.js';

export interface BenchOptions {
  /** One short round of everything: proves the pipeline works, not figures to quote. */
  readonly smoke: boolean;
  readonly rounds: number;
  readonly pinning: Pinning;
  readonly progress: (contender: string, round: number, values: Record<string, number>) => void;
  /** The quiet-machine check, run before every round of every case. */
  readonly beforeRound: (caseName: string, round: number) => Promise<LoadCheck>;
}
