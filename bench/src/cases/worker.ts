import { startChild } from '../child.js';
import { AddonLedger, underNode, type NodeBinary, type NodePair } from '../compare-node.js';
import { alternate, type CaseResult, type Contender } from '../rounds.js';
import type { BenchOptions } from '../options.js';
import { pinLocalServices } from '../service-pinning.js';

const VARIANTS = ['bare', 'instrumented'] as const;

function contender(
  variant: string,
  jobs: number,
  options: BenchOptions,
  addons: AddonLedger,
  node?: NodeBinary,
): Contender {
  const name = node === undefined ? variant : underNode(variant, node);
  return {
    name,
    async measure() {
      const child = startChild(
        'worker-throughput',
        [variant, String(jobs)],
        options.pinning.server,
        node === undefined ? {} : { node: node.path },
      );
      const result = (await child.ready) as { jobs_per_second: number; native_addons: string[] };
      await child.exited;
      addons.record(name, result.native_addons);
      return { jobs_per_second: result.jobs_per_second };
    },
  };
}

/**
 * Jobs per contender and round: long enough (seconds, not a fraction of one) that a round measures
 * the steady state rather than the first fetches.
 */
const JOBS = 20_000;

export async function workerCase(options: BenchOptions): Promise<CaseResult> {
  const jobs = options.smoke ? 500 : JOBS;
  const other = options.compareNode;
  const nodePairs: NodePair[] =
    other === undefined
      ? []
      : VARIANTS.map((variant) => ({ own: variant, other: underNode(variant, other) }));
  const addons = new AddonLedger(nodePairs);
  const contenders = VARIANTS.map((variant) => contender(variant, jobs, options, addons));
  if (other !== undefined)
    contenders.push(...VARIANTS.map((variant) => contender(variant, jobs, options, addons, other)));
  // Redis does most of the work of a job (BullMQ's scripts): where it floats, a round is fast or
  // slow by where the scheduler puts it. On the load core it never competes with the worker.
  const placement = pinLocalServices(options.pinning);
  try {
    const result = await alternate(
      {
        case: 'worker',
        description: `${jobs} BullMQ jobs, concurrency 10, same no-op processor, real Redis; ${placement.description}`,
        baseline: 'bare',
        ratioOf: { metric: 'jobs_per_second', better: 'higher' },
        units: { jobs_per_second: 'jobs/s' },
        ...(nodePairs.length > 0 ? { nodePairs } : {}),
      },
      contenders,
      options,
    );
    return { ...result, nativeAddons: addons.byContender() };
  } finally {
    placement.restore();
  }
}
