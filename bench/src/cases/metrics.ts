import { reported, startChild } from '../child.js';
import { alternate, type CaseResult, type Contender } from '../rounds.js';
import type { BenchOptions } from '../options.js';

function contender(variant: string, series: number): Contender {
  return {
    name: variant,
    async measure() {
      const child = startChild('metrics-scrape', [variant, String(series)]);
      const result = await child.ready;
      await child.exited;
      return {
        scrape_ms: reported(result, 'scrape_ms'),
        longest_block_ms: reported(result, 'longest_block_ms'),
        observe_ns: reported(result, 'observe_ns'),
      };
    },
  };
}

export async function metricsCases(options: BenchOptions): Promise<CaseResult[]> {
  const sizes = options.quick ? [1_000] : [1_000, 10_000, 50_000];
  const results: CaseResult[] = [];
  for (const series of sizes) {
    const { medians, samples } = await alternate(
      ['shipshape', 'prom-client'].map((variant) => contender(variant, series)),
      options.rounds,
      options.progress,
    );
    results.push({
      case: `metrics-${series / 1000}k`,
      description: `GET /metrics of ${series} histogram series (default buckets), read to the end; and one observe()`,
      baseline: 'prom-client',
      ratioOf: { metric: 'scrape_ms', better: 'lower' },
      units: { scrape_ms: 'ms', longest_block_ms: 'ms', observe_ns: 'ns' },
      rounds: options.rounds,
      medians,
      samples,
    });
  }
  return results;
}
