// Per-request cost of httpMiddleware() vs a hand-written prom-client histogram, without sockets:
// each iteration runs the middleware on a fake request/response and emits 'close'.
// Usage: node bench/middleware.mjs [iterations=200000] [rounds=3]   (build first: pnpm build)
import { EventEmitter } from 'node:events';
import { Histogram, Registry } from 'prom-client';
import { createMetrics } from '../dist/index.js';

const iterations = Number(process.argv[2] ?? 200_000);
const rounds = Number(process.argv[3] ?? 3);
const routes = ['/orders/:id', '/orders', '/users/:userId/orders/:orderId', '/health'];

function fakePair(index) {
  const req = {
    method: index % 7 === 0 ? 'POST' : 'GET',
    url: `/orders/${index}?x=1`,
    route: { path: routes[index % routes.length] },
    baseUrl: '',
  };
  const res = new EventEmitter();
  res.statusCode = index % 11 === 0 ? 404 : 200;
  return { req, res };
}

function runShipshape() {
  const metrics = createMetrics({ service: 'bench', defaultMetrics: false });
  const middleware = metrics.httpMiddleware();
  const next = () => undefined;
  const start = performance.now();
  for (let index = 0; index < iterations; index++) {
    const { req, res } = fakePair(index);
    middleware(req, res, next);
    res.emit('close');
  }
  return ((performance.now() - start) * 1000) / iterations;
}

function runPlain() {
  const registry = new Registry();
  const histogram = new Histogram({
    name: 'plain_seconds',
    help: 'x',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const start = performance.now();
  for (let index = 0; index < iterations; index++) {
    const { req, res } = fakePair(index);
    const began = performance.now();
    res.once('close', () => {
      histogram.observe(
        { method: req.method, route: req.route.path, status: res.statusCode },
        (performance.now() - began) / 1000,
      );
    });
    res.emit('close');
  }
  return ((performance.now() - start) * 1000) / iterations;
}

function runBaseline() {
  const start = performance.now();
  for (let index = 0; index < iterations; index++) {
    const { res } = fakePair(index);
    res.once('close', () => undefined);
    res.emit('close');
  }
  return ((performance.now() - start) * 1000) / iterations;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const results = { baseline: [], plainPromClient: [], shipshape: [] };
for (let round = 0; round < rounds; round++) {
  results.baseline.push(runBaseline());
  results.plainPromClient.push(runPlain());
  results.shipshape.push(runShipshape());
}
const base = median(results.baseline);
console.table(
  Object.entries(results).map(([name, values]) => ({
    case: name,
    'µs per request (median)': Math.round(median(values) * 100) / 100,
    'µs over fake req/res': Math.round((median(values) - base) * 100) / 100,
  })),
);
