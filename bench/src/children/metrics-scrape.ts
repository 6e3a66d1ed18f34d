// Fills a registry with N histogram label sets, then measures one scrape as Prometheus makes it
// (GET /metrics over HTTP, the body read to the end): total time and the longest stretch the
// event loop was blocked meanwhile; and the cost of one observation.
import { createServer, get, type IncomingMessage, type ServerResponse } from 'node:http';
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
      serve: (_req, res) => {
        void registry.metrics().then((body) => {
          res.setHeader('content-type', registry.contentType);
          res.end(body);
        });
      },
    };
  }
  const { createMetrics } = await import('@shipshape/metrics');
  const metrics = createMetrics({
    service: 'bench',
    defaultMetrics: false,
    seriesLimit: series * 2,
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
const server = createServer((req, res) => s.serve(req, res));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;
function scrape(): Promise<number> {
  return new Promise((resolve, reject) => {
    get({ port, host: '127.0.0.1', path: '/metrics' }, (response) => {
      let bytes = 0;
      response.on('data', (chunk: Buffer) => (bytes += chunk.length));
      response.on('end', () => resolve(bytes));
    }).on('error', reject);
  });
}
for (let i = 0; i < series; i++)
  s.observe({ http_route: `/r${i}`, http_response_status_code: 200 }, (i % 100) / 1000);

const observations = 1_000_000;
const t0 = process.hrtime.bigint();
for (let i = 0; i < observations; i++)
  s.observe({ http_route: `/r${i % 100}`, http_response_status_code: 200 }, 0.005);
const observeNs = Number(process.hrtime.bigint() - t0) / observations;

// Longest block: the largest gap between two 1 ms timer ticks while the scrape runs.
let longestGapMs = 0;
let last = performance.now();
const ticker = setInterval(() => {
  const now = performance.now();
  longestGapMs = Math.max(longestGapMs, now - last);
  last = now;
}, 1);
const histogram = monitorEventLoopDelay({ resolution: 1 });
await new Promise((resolve) => setTimeout(resolve, 20));
histogram.enable();
last = performance.now();
longestGapMs = 0;
const start = performance.now();
const bytes = await scrape();
const scrapeMs = performance.now() - start;
await new Promise((resolve) => setTimeout(resolve, 5));
clearInterval(ticker);
longestGapMs = Math.max(longestGapMs, performance.now() - last);
histogram.disable();
server.close();

console.log(
  '@bench',
  JSON.stringify({
    scrape_ms: scrapeMs,
    longest_block_ms: Math.max(longestGapMs - 1, histogram.max / 1e6),
    observe_ns: observeNs,
    bytes,
  }),
);
