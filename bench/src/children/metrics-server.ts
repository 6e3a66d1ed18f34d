// A server holding N histogram label sets in one of the compared ways, serving GET /metrics and
// GET /ping. For every scrape it reports, once the response has finished, the longest stretch its
// event loop was blocked meanwhile. It also reports the cost of one observation at start-up.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const variant = process.argv[2] ?? 'shipshape';
const series = Number(process.argv[3] ?? 10_000);

interface Subject {
  observe(labels: { http_route: string; http_response_status_code: number }, value: number): void;
  serve(req: IncomingMessage, res: ServerResponse): void;
}

async function subject(): Promise<Subject> {
  const help = 'Duration of HTTP server requests.';
  const labelNames = ['http_route', 'http_response_status_code'] as const;
  if (variant === 'prom-client') {
    const { Histogram, Registry } = await import('prom-client');
    const registry = new Registry();
    const histogram = new Histogram({
      name: 'http_server_request_duration_seconds',
      help,
      labelNames,
      registers: [registry],
    });
    return {
      observe: (labels, value) => histogram.observe(labels, value),
      // What a plain prom-client handler does.
      serve: (_req, res) => {
        void registry.metrics().then((body) => {
          res.setHeader('content-type', registry.contentType);
          res.end(body);
        });
      },
    };
  }
  if (variant !== 'shipshape' && variant !== 'shipshape-public-path')
    throw new Error(`unknown metrics bench variant "${variant}"`);
  const { createMetrics } = await import('@shipshape/metrics');
  const metrics = createMetrics({
    service: 'bench',
    defaultMetrics: false,
    seriesLimit: series * 2,
    // The path a scrape falls back to when prom-client's internals are not as expected.
    scrapeFastPath: variant === 'shipshape',
  });
  const histogram = metrics.histogram({
    name: 'http_server_request_duration_seconds',
    help,
    labelNames,
  });
  return {
    observe: (labels, value) => histogram.observe(labels, value),
    serve: metrics.handler,
  };
}

const s = await subject();
for (let i = 0; i < series; i++)
  s.observe({ http_route: `/r${i}`, http_response_status_code: 200 }, (i % 100) / 1000);
const observations = 1_000_000;
const t0 = process.hrtime.bigint();
for (let i = 0; i < observations; i++)
  s.observe({ http_route: `/r${i % 100}`, http_response_status_code: 200 }, 0.005);
const observeNs = Number(process.hrtime.bigint() - t0) / observations;

/** Longest block: the largest gap between two 1 ms timer ticks, or the delay histogram's max. */
function watchLoop(): () => number {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  let longestGapMs = 0;
  let last = performance.now();
  const ticker = setInterval(() => {
    const now = performance.now();
    longestGapMs = Math.max(longestGapMs, now - last);
    last = now;
  }, 1);
  return () => {
    clearInterval(ticker);
    delay.disable();
    longestGapMs = Math.max(longestGapMs, performance.now() - last);
    return Math.max(longestGapMs - 1, delay.max / 1e6);
  };
}

const server = createServer((req, res) => {
  if (req.url === '/ping') {
    res.end('pong');
    return;
  }
  const stop = watchLoop();
  const start = performance.now();
  res.on('close', () => {
    const serverMs = performance.now() - start;
    console.log(
      '@bench',
      JSON.stringify({ event: 'scrape', longest_block_ms: stop(), server_scrape_ms: serverMs }),
    );
  });
  s.serve(req, res);
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  console.log('@bench', JSON.stringify({ port, observe_ns: observeNs }));
});
