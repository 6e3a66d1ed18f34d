// The access log and the RED metrics, composed through one request lifecycle, name every request
// the same way: for nested routers with parameters, app.use mounts, sub-apps, 404s, errors thrown
// in handlers and unknown methods, the access line and the metric series carry the same method,
// route template and status, under the same names (OpenTelemetry's, dots as Prometheus underscores),
// and the line carries the trace of the request's span.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { context, trace, type Span } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { AlwaysOnSampler, BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { accessLog, createLogger, requestContext } from '@shipshape/logger';
import { createMetrics } from '@shipshape/metrics';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Capture, listen, samples } from './helpers.js';

const contextManager = new AsyncLocalStorageContextManager();
const provider = new BasicTracerProvider({ sampler: new AlwaysOnSampler() });
const tracer = provider.getTracer('composition-test');
const out = new Capture();
const logger = createLogger({ service: 'api', destination: out });
const metrics = createMetrics({ service: 'api', defaultMetrics: false });
const spans = new Map<string, Span>();
let server: Awaited<ReturnType<typeof listen>>;

beforeAll(async () => {
  context.setGlobalContextManager(contextManager.enable());
  trace.setGlobalTracerProvider(provider);
  const app = express();
  app.use(requestContext({ observers: [accessLog(logger), metrics.httpMiddleware()] }));
  const items = express.Router({ mergeParams: true });
  items.get('/:itemId', (_req, res) => res.json({ ok: true }));
  items.get('/:itemId/fail', () => {
    throw new Error('thrown in a nested handler');
  });
  items.post('/', async () => {
    await Promise.resolve();
    throw new Error('rejected in an async handler');
  });
  const users = express.Router({ mergeParams: true });
  users.use('/:userId/items', items);
  users.delete('/:userId', (_req, res) => res.status(204).end());
  app.use('/v1/users', users);
  const reports = express();
  reports.get('/:reportId', (_req, res) => res.status(503).send('down'));
  app.use('/tenants/:tenantId/reports', reports);
  app.use('/static', (_req, res) => res.send('a file'));
  app.use((_error: unknown, _req: express.Request, res: express.Response, _next: unknown) => {
    res.status(500).json({ title: 'Internal Server Error' });
  });
  // The HTTP instrumentation's part: a server span around each request, active while it runs.
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    tracer.startActiveSpan('http request', (span) => {
      spans.set(String(req.headers['x-request-id']), span);
      res.on('close', () => span.end());
      app(req, res);
    });
  };
  server = await listen(createServer(handler));
});

afterAll(async () => {
  await server.close();
  await logger.close();
  context.disable();
  trace.disable();
});

const REQUESTS: { path: string; method: string; route: string; status: number }[] = [
  {
    path: '/v1/users/42/items/7',
    method: 'GET',
    route: '/v1/users/:userId/items/:itemId',
    status: 200,
  },
  {
    path: '/v1/users/43/items/8?page=2',
    method: 'GET',
    route: '/v1/users/:userId/items/:itemId',
    status: 200,
  },
  {
    path: '/v1/users/42/items/7/fail',
    method: 'GET',
    route: '/v1/users/:userId/items/:itemId/fail',
    status: 500,
  },
  { path: '/v1/users/42/items', method: 'POST', route: '/v1/users/:userId/items', status: 500 },
  { path: '/v1/users/42', method: 'DELETE', route: '/v1/users/:userId', status: 204 },
  {
    path: '/tenants/acme/reports/r-1',
    method: 'GET',
    route: '/tenants/:tenantId/reports/:reportId',
    status: 503,
  },
  { path: '/static/logo.png', method: 'GET', route: '/static', status: 200 },
  { path: '/nowhere/42', method: 'GET', route: 'unmatched', status: 404 },
  { path: '/v1/users/42/items/7', method: 'PROPFIND', route: 'unmatched', status: 404 },
];

describe('access log and metrics through one lifecycle', () => {
  it('agree on method, route template and status for every request, under the same names', async () => {
    for (const [index, request] of REQUESTS.entries()) {
      const res = await fetch(server.url + request.path, {
        method: request.method,
        headers: { 'x-request-id': `req-${index}` },
      });
      await res.arrayBuffer();
      expect(res.status, request.path).toBe(request.status);
    }
    let lines: Record<string, unknown>[] = [];
    for (let i = 0; i < 200 && lines.length < REQUESTS.length; i++) {
      await logger.flush();
      lines = out.json().filter((line) => 'http.route' in line);
      if (lines.length < REQUESTS.length) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(lines).toHaveLength(REQUESTS.length);

    // Each request's line says what the request was, and carries the trace of its span.
    for (const [index, request] of REQUESTS.entries()) {
      const line = lines.find((candidate) => candidate.request_id === `req-${index}`);
      const method = request.method === 'PROPFIND' ? '_OTHER' : request.method;
      expect(line, request.path).toMatchObject({
        'http.request.method': method,
        'http.route': request.route,
        'http.response.status_code': request.status,
        trace_id: spans.get(`req-${index}`)?.spanContext().traceId,
      });
    }

    // The series hold exactly the (method, route, status) the lines hold, request for request.
    const text = await metrics.scrape();
    const series = samples(text, 'http_server_request_duration_seconds_count');
    const fromMetrics = series.flatMap(({ labels, value }) =>
      Array.from({ length: value }, () =>
        [labels.http_request_method, labels.http_route, labels.http_response_status_code].join(' '),
      ),
    );
    const fromLogs = lines.map((line) =>
      [line['http.request.method'], line['http.route'], line['http.response.status_code']].join(
        ' ',
      ),
    );
    expect(fromMetrics.sort()).toEqual(fromLogs.sort());

    // Same words: each label of the series is a field of every line, its dots written as underscores.
    const fields = ['http.request.method', 'http.route', 'http.response.status_code'];
    const labelNames = Object.keys(series[0]!.labels).filter(
      (name) => name !== 'service' && name !== 'version',
    );
    expect(labelNames.sort()).toEqual(fields.map((key) => key.replace(/\./g, '_')).sort());
    for (const line of lines) expect(Object.keys(line)).toEqual(expect.arrayContaining(fields));

    // Exemplars point at the same traces the lines carry.
    const openMetrics = await metrics.scrape('openmetrics');
    const exemplarTraces = [...openMetrics.matchAll(/# \{trace_id="([0-9a-f]{32})"\}/g)].map(
      (match) => match[1],
    );
    expect(exemplarTraces.length).toBeGreaterThan(0);
    const lineTraces = new Set(lines.map((line) => line.trace_id));
    for (const traceId of exemplarTraces) expect(lineTraces).toContain(traceId);
  });
});
