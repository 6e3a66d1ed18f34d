import { reported, startChild } from '../child.js';
import { alternate, type CaseResult, type Contender } from '../rounds.js';
import type { BenchOptions } from '../options.js';

function contender(variant: string, lines: number, options: BenchOptions): Contender {
  return {
    name: variant,
    async measure() {
      const child = startChild(
        'logger-throughput',
        [variant, String(lines)],
        options.pinning.server,
      );
      const result = await child.ready;
      await child.exited;
      return {
        delivered_percent: (100 * reported(result, 'delivered')) / lines,
        lines_per_second: reported(result, 'lines_per_second'),
        peak_rss_mb: reported(result, 'peak_rss_mb'),
        disabled_call_ns: reported(result, 'disabled_call_ns'),
        disabled_vs_emitted_percent:
          (100 * reported(result, 'disabled_call_ns')) / reported(result, 'emitted_line_ns'),
        bytes_per_line: reported(result, 'bytes') / lines,
      };
    },
  };
}

export async function loggerCase(options: BenchOptions): Promise<CaseResult> {
  const lines = options.smoke ? 20_000 : 200_000;
  return alternate(
    {
      case: 'logger',
      description: `${lines} JSON lines with request and trace fields to a file, flush included`,
      baseline: 'pino',
      ratioOf: { metric: 'lines_per_second', better: 'higher' },
      units: {
        delivered_percent: '%',
        lines_per_second: 'lines/s',
        peak_rss_mb: 'MB',
        disabled_call_ns: 'ns',
        disabled_vs_emitted_percent: '%',
        bytes_per_line: 'B',
      },
    },
    ['shipshape', 'winston', 'pino'].map((variant) => contender(variant, lines, options)),
    options,
  );
}
