import { spawn } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../src/index.js';
import { SLICE_MAX_CHARS } from '../src/serialize.js';
import { listen } from './helpers.js';

const SERIES = 10_000;
const READER = fileURLToPath(new URL('./fixtures/scrape-reader.mjs', import.meta.url));

interface ReaderReport {
  scrape: { status: number; bytes: number };
  pong: { status: number; bytes: number };
  order: string[];
}

/** Runs the out-of-process scraper against `url` and returns what it printed. */
async function scrapeFromAnotherProcess(url: string): Promise<ReaderReport> {
  const child = spawn(process.execPath, [READER, url], { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`scrape-reader exited ${String(code)}: ${stdout}`);
  return JSON.parse(stdout) as ReaderReport;
}

// The figures (longest block in ms, a concurrent request's wait) are bench/'s job, on a quiet
// machine; this test asserts what must hold on any machine, however busy.
describe(`GET /metrics of ${SERIES} histogram series read by another process`, () => {
  it('turns the event loop at least once per slice and answers a concurrent request mid-scrape', async () => {
    const metrics = createMetrics({
      service: 'yield',
      defaultMetrics: false,
      seriesLimit: SERIES + 1,
    });
    const histogram = metrics.histogram({
      name: 'yield_request_duration_seconds',
      help: 'Yield.',
      labelNames: ['http_route', 'http_response_status_code'],
    });
    for (let index = 0; index < SERIES; index++)
      histogram.observe({ http_route: `/r/${index}`, http_response_status_code: 200 }, index / 1e4);

    let ticks = 0;
    let ticking = true;
    const tick = (): void => {
      ticks++;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    const events: string[] = [];
    let ticksAtStart = 0;
    let ticksAtFinish = 0;
    const server = await listen(
      http.createServer((req, res) => {
        if (req.url === '/ping') {
          events.push('ping answered');
          res.end('pong');
          return;
        }
        ticksAtStart = ticks;
        res.on('finish', () => {
          ticksAtFinish = ticks;
          events.push('scrape finished');
        });
        metrics.handler(req, res);
      }),
    );
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    const report = await scrapeFromAnotherProcess(server.url);
    delay.disable();
    ticking = false;
    await server.close();

    expect(report.scrape.status).toBe(200);
    expect(report.pong.status).toBe(200);
    // A slice ends at the first 32 KB flush past SLICE_MAX_CHARS, so it is shorter than twice that.
    const minimumTurns = Math.floor(report.scrape.bytes / (2 * SLICE_MAX_CHARS));
    console.info(
      'scrape-yield',
      JSON.stringify({
        bytes: report.scrape.bytes,
        turns: ticksAtFinish - ticksAtStart,
        minimumTurns,
        longestDelayMs: delay.max / 1e6,
      }),
    );
    expect(minimumTurns).toBeGreaterThan(20);
    expect(ticksAtFinish - ticksAtStart).toBeGreaterThanOrEqual(minimumTurns);
    expect(events).toEqual(['ping answered', 'scrape finished']);
    expect(report.order).toEqual(['/ping', '/metrics']);
    metrics.stop();
  });
});
