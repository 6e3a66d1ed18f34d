import { rmSync } from 'node:fs';
import { reported, startChild } from '../child.js';
import {
  AddonLedger,
  nativeAddons,
  underNode,
  type NodeBinary,
  type NodePair,
} from '../compare-node.js';
import { alternateTogether, type CaseResult } from '../rounds.js';
import type { BenchOptions } from '../options.js';
import { figuresOf, loadInSlices, requestFigures, SLICES_PER_ROUND } from '../sliced-load.js';

const VARIANTS = [
  'bare',
  'shipshape',
  'peer',
  'shipshape-logger',
  'shipshape-metrics',
  'handwritten-winston',
  'handwritten-pino',
] as const;
/** The HTTP overhead compared across Node.js versions (`--compare-node`). */
const COMPARED = ['bare', 'shipshape'] as const;

/** One contender of the http case: a variant of the server, under this Node.js or another. */
interface Stack {
  readonly name: string;
  readonly variant: string;
  readonly node?: NodeBinary | undefined;
}

/**
 * One round: every stack's server is started (all on the measured core), then one load generator
 * cycles through them in one-second slices, each server running only during its own slices (the
 * others are stopped). Each stack's figure sums its slices.
 */
async function measureRound(
  stacks: readonly Stack[],
  round: number,
  options: BenchOptions,
  addons: AddonLedger,
): Promise<Record<string, Record<string, number>>> {
  // A different start order every round, as `alternate` rotates the order of measurement.
  const shift = (round - 1) % stacks.length;
  const rotated = [...stacks.slice(shift), ...stacks.slice(0, shift)];
  const servers = rotated.map((stack) => ({
    stack,
    child: startChild(
      'http-server',
      [stack.variant],
      options.pinning.server,
      stack.node === undefined ? {} : { node: stack.node.path },
    ),
  }));
  try {
    const started = await Promise.all(
      servers.map(async ({ stack, child }) => {
        const { port, logFile } = (await child.ready) as { port: number; logFile: string };
        return { stack, child, port, logFile };
      }),
    );
    const results = await loadInSlices(started, { path: '/v1/items/42', connections: 20 }, options);
    const measured: Record<string, Record<string, number>> = {};
    for (const { stack, child, port, logFile } of started) {
      addons.record(stack.name, nativeAddons(child.process.pid ?? 0));
      rmSync(logFile, { force: true });
      const result = figuresOf(results, port, stack.name);
      if (reported(result, 'non2xx') > 0 || reported(result, 'errors') > 0) {
        throw new Error(
          `${stack.name}: ${reported(result, 'non2xx')} non-2xx answers and ${reported(result, 'errors')} errors under load`,
        );
      }
      measured[stack.name] = requestFigures(result);
    }
    return measured;
  } finally {
    await Promise.all(servers.map(({ child }) => child.stop()));
  }
}

export async function httpCase(options: BenchOptions): Promise<CaseResult> {
  const other = options.compareNode;
  const nodePairs: NodePair[] =
    other === undefined
      ? []
      : COMPARED.map((variant) => ({ own: variant, other: underNode(variant, other) }));
  const addons = new AddonLedger(nodePairs);
  const stacks: Stack[] = VARIANTS.map((variant) => ({ name: variant, variant }));
  if (other !== undefined)
    stacks.push(
      ...COMPARED.map((variant) => ({ name: underNode(variant, other), variant, node: other })),
    );
  const result = await alternateTogether(
    {
      case: 'http',
      description:
        'Express 5 GET returning JSON; autocannon in its own process, 20 keep-alive connections, requests per second; ' +
        `every server started side by side and loaded in turn in one-second slices (${SLICES_PER_ROUND} each per round, the others stopped meanwhile)`,
      baseline: 'bare',
      ratioOf: { metric: 'requests_per_second', better: 'higher' },
      units: { requests_per_second: 'req/s', latency_p99_ms: 'ms', time_per_request_us: 'µs/req' },
      ...(nodePairs.length > 0 ? { nodePairs } : {}),
    },
    stacks.map((stack) => stack.name),
    (round) => measureRound(stacks, round, options, addons),
    options,
  );
  return { ...result, nativeAddons: addons.byContender() };
}
