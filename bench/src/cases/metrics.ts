import { reported, startChild } from '../child.js';
import { alternate, type CaseResult, type Contender } from '../rounds.js';
import type { BenchOptions } from '../options.js';

const VARIANTS = ['shipshape', 'shipshape-public-path', 'prom-client'] as const;
/** When the concurrent request is sent, after the scrape started (the method). */
const PING_AFTER_MS = 10;

function contender(variant: string, series: number, options: BenchOptions): Contender {
  return {
    name: variant,
    async measure() {
      const server = startChild(
        'metrics-server',
        [variant, String(series)],
        options.pinning.server,
      );
      try {
        const started = await server.ready;
        const scraper = startChild(
          'metrics-scraper',
          [String(reported(started, 'port')), String(PING_AFTER_MS)],
          options.pinning.load,
        );
        const result = await scraper.ready;
        await scraper.exited;
        // The server reports each scrape when its response closed: the warm-up, then the measured one.
        const scrapes = server.messages.filter((message) => message['event'] === 'scrape');
        const measured = scrapes[1];
        if (measured === undefined)
          throw new Error(`${variant}: the server reported ${scrapes.length} scrapes, not 2`);
        return {
          scrape_ms: reported(result, 'scrape_ms'),
          longest_block_ms: reported(measured, 'longest_block_ms'),
          ping_extra_wait_ms: Math.max(
            0,
            reported(result, 'ping_ms') - reported(result, 'idle_ping_ms'),
          ),
          observe_ns: reported(started, 'observe_ns'),
          megabytes: reported(result, 'bytes') / 1e6,
        };
      } finally {
        await server.stop();
      }
    },
  };
}

export async function metricsCases(options: BenchOptions): Promise<CaseResult[]> {
  const sizes = options.smoke ? [1_000, 10_000] : [1_000, 10_000, 50_000];
  const results: CaseResult[] = [];
  for (const series of sizes) {
    results.push(
      await alternate(
        {
          case: `metrics-${series / 1000}k`,
          description:
            `GET /metrics of ${series} histogram series (default buckets) by a scraper in its own ` +
            `process, after one warm-up scrape; a GET /ping sent ${PING_AFTER_MS} ms into it; one observe()`,
          baseline: 'prom-client',
          ratioOf: { metric: 'scrape_ms', better: 'lower' },
          units: {
            scrape_ms: 'ms',
            longest_block_ms: 'ms',
            ping_extra_wait_ms: 'ms',
            observe_ns: 'ns',
            megabytes: 'MB',
          },
        },
        VARIANTS.map((variant) => contender(variant, series, options)),
        options,
      ),
    );
  }
  return results;
}
