import { rmSync } from 'node:fs';
import { reported, startChild } from '../child.js';
import {
  AddonLedger,
  nativeAddons,
  underNode,
  type NodeBinary,
  type NodePair,
} from '../compare-node.js';
import { alternate, type CaseResult, type Contender } from '../rounds.js';
import type { BenchOptions } from '../options.js';

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

function contender(
  variant: string,
  options: BenchOptions,
  addons: AddonLedger,
  node?: NodeBinary,
): Contender {
  const name = node === undefined ? variant : underNode(variant, node);
  return {
    name,
    async measure() {
      const server = startChild(
        'http-server',
        [variant],
        options.pinning.server,
        node === undefined ? {} : { node: node.path },
      );
      try {
        const { port, logFile } = (await server.ready) as { port: number; logFile: string };
        const [warmup, seconds] = options.smoke ? ['0.5', '1'] : ['1', '5'];
        const generator = startChild(
          'load-generator',
          [String(port), '/v1/items/42', '20', warmup, seconds],
          options.pinning.load,
        );
        const result = await generator.ready;
        await generator.exited;
        addons.record(name, nativeAddons(server.process.pid ?? 0));
        rmSync(logFile, { force: true });
        if (reported(result, 'non2xx') > 0 || reported(result, 'errors') > 0) {
          throw new Error(
            `${name}: ${reported(result, 'non2xx')} non-2xx answers and ${reported(result, 'errors')} errors under load`,
          );
        }
        const rps = reported(result, 'requests_per_second');
        return {
          requests_per_second: rps,
          latency_p99_ms: reported(result, 'latency_p99_ms'),
          time_per_request_us: 1_000_000 / rps,
        };
      } finally {
        await server.stop();
      }
    },
  };
}

export async function httpCase(options: BenchOptions): Promise<CaseResult> {
  const other = options.compareNode;
  const nodePairs: NodePair[] =
    other === undefined
      ? []
      : COMPARED.map((variant) => ({ own: variant, other: underNode(variant, other) }));
  const addons = new AddonLedger(nodePairs);
  const contenders = VARIANTS.map((variant) => contender(variant, options, addons));
  if (other !== undefined)
    contenders.push(...COMPARED.map((variant) => contender(variant, options, addons, other)));
  const result = await alternate(
    {
      case: 'http',
      description:
        'Express 5 GET returning JSON; autocannon in its own process, 20 keep-alive connections, requests per second',
      baseline: 'bare',
      ratioOf: { metric: 'requests_per_second', better: 'higher' },
      units: { requests_per_second: 'req/s', latency_p99_ms: 'ms', time_per_request_us: 'µs/req' },
      ...(nodePairs.length > 0 ? { nodePairs } : {}),
    },
    contenders,
    options,
  );
  return { ...result, nativeAddons: addons.byContender() };
}
