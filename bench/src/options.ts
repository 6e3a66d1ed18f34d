import type { NodeBinary } from './compare-node.js';
import type { Pinning } from './machine.js';
import type { LoadCheck } from './quiet.js';

export interface BenchOptions {
  /** One short round of everything: proves the pipeline works, not figures to quote. */
  readonly smoke: boolean;
  readonly rounds: number;
  readonly pinning: Pinning;
  /** The PostgreSQL server the bench creates its scratch databases on (no database in the path). */
  readonly postgresUrl: string;
  /** Another Node.js whose contenders run beside the runner's own (`--compare-node`). */
  readonly compareNode: NodeBinary | undefined;
  readonly progress: (contender: string, round: number, values: Record<string, number>) => void;
  /** The quiet-machine check, run before every round of every case. */
  readonly beforeRound: (caseName: string, round: number) => Promise<LoadCheck>;
}
