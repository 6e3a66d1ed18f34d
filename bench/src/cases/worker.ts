import { startChild } from '../child.js';
import { alternate, type CaseResult, type Contender } from '../rounds.js';
import type { BenchOptions } from '../options.js';

function contender(variant: string, jobs: number, options: BenchOptions): Contender {
  return {
    name: variant,
    async measure() {
      const child = startChild(
        'worker-throughput',
        [variant, String(jobs)],
        options.pinning.server,
      );
      const result = (await child.ready) as { jobs_per_second: number };
      await child.exited;
      return { jobs_per_second: result.jobs_per_second };
    },
  };
}

export async function workerCase(options: BenchOptions): Promise<CaseResult> {
  const jobs = options.smoke ? 500 : 5000;
  return alternate(
    {
      case: 'worker',
      description: `${jobs} BullMQ jobs, concurrency 10, same no-op processor, real Redis (not pinned)`,
      baseline: 'bare',
      ratioOf: { metric: 'jobs_per_second', better: 'higher' },
      units: { jobs_per_second: 'jobs/s' },
    },
    ['bare', 'instrumented'].map((variant) => contender(variant, jobs, options)),
    options,
  );
}
