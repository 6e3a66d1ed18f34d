import { rmSync } from 'node:fs';
import autocannon from 'autocannon';
import { startChild } from '../child.js';
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

async function load(port: number, seconds: number): Promise<autocannon.Result> {
  return autocannon({
    url: `http://127.0.0.1:${port}/v1/items/42`,
    connections: 20,
    duration: seconds,
  });
}

function contender(variant: string, options: BenchOptions): Contender {
  return {
    name: variant,
    async measure() {
      const child = startChild('http-server', [variant]);
      try {
        const { port, logFile } = (await child.ready) as { port: number; logFile: string };
        await load(port, options.quick ? 0.5 : 1); // warm-up: JIT, lazy module paths
        const result = await load(port, options.quick ? 1 : 5);
        rmSync(logFile, { force: true });
        if (result.non2xx > 0 || result.errors > 0) {
          throw new Error(
            `${variant}: ${result.non2xx} non-2xx answers and ${result.errors} errors under load`,
          );
        }
        return {
          requests_per_second: result.requests.average,
          latency_p99_ms: result.latency.p99,
          time_per_request_us: 1_000_000 / result.requests.average,
        };
      } finally {
        await child.stop();
      }
    },
  };
}

export async function httpCase(options: BenchOptions): Promise<CaseResult> {
  const { medians, samples } = await alternate(
    VARIANTS.map((variant) => contender(variant, options)),
    options.rounds,
    options.progress,
  );
  return {
    case: 'http',
    description:
      'Express 5 GET returning JSON, 20 keep-alive connections (autocannon), requests per second',
    baseline: 'bare',
    ratioOf: { metric: 'requests_per_second', better: 'higher' },
    units: { requests_per_second: 'req/s', latency_p99_ms: 'ms', time_per_request_us: 'µs/req' },
    rounds: options.rounds,
    medians,
    samples,
  };
}
