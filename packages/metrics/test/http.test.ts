import http from 'node:http';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { context } from '@opentelemetry/api';
import { AlwaysOffSampler, BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics } from '../src/index.js';
import type { Metrics } from '../src/index.js';
import { label, listen, request, samples, waitFor } from './helpers.js';

const contextManager = new AsyncLocalStorageContextManager();
beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable());
});
afterAll(() => {
  context.disable();
});

function buildApp(metrics: Metrics): express.Express {
  const app = express();
  app.use(metrics.httpMiddleware());
  const users = express.Router({ mergeParams: true });
  users.get('/:userId', (req, res) => {
    res.json({ user: req.params.userId });
  });
  users.get('/', (_req, res) => {
    res.json([]);
  });
  const orgs = express.Router({ mergeParams: true });
  orgs.use('/users', users);
  orgs.delete('/', (_req, res) => {
    res.status(204).end();
  });
  orgs.get('/fail', () => {
    throw new Error('nested handler failed');
  });
  app.use('/orgs/:orgId', orgs);
  const v1 = express.Router();
  v1.use(
    '/orders',
    express.Router().get('/:orderId/items/:itemId', (_req, res) => res.send('ok')),
  );
  app.use('/api/v1', v1);
  const tenantApp = express();
  tenantApp.get('/reports/:reportId', (_req, res) => res.send('report'));
  app.use('/tenants/:tenantId', tenantApp);
  app.get('/fail', () => {
    throw new Error('handler failed');
  });
  app.get('/livez', (_req, res) => res.send('ok'));
  app.get('/metrics', metrics.handler);
  return app;
}

describe('HTTP RED middleware (Express)', () => {
  const metrics = createMetrics({ service: 'api', version: '9.9.9', defaultMetrics: false });
  let server: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    server = await listen(http.createServer(buildApp(metrics)));
  });
  afterAll(async () => {
    await server.close();
  });

  it('labels nested routers and parameterised paths with templates, never ids', async () => {
    const ids = [
      '4711',
      '0b9f5b0e-8c1a-4f7e-9c2d-3a1b2c3d4e5f',
      'acme-corp',
      'ORD-20261127-000123',
    ];
    for (const id of ids) {
      expect((await request(`${server.url}/orgs/${id}/users/${id}x`)).status).toBe(200);
      expect((await request(`${server.url}/orgs/${id}/users`)).status).toBe(200);
      expect((await request(`${server.url}/api/v1/orders/${id}/items/${id}?q=${id}`)).status).toBe(
        200,
      );
    }
    expect((await request(`${server.url}/orgs/acme-corp`, { method: 'DELETE' })).status).toBe(204);
    expect((await request(`${server.url}/tenants/acme-corp/reports/r-77`)).status).toBe(200);
    // The error leaves the nested router (Express restores req.baseUrl): the label keeps the mount.
    expect((await request(`${server.url}/orgs/acme-corp/fail`)).status).toBe(500);
    const text = await metrics.scrape();
    const lines = samples(text, 'http_server_request_duration_seconds_count');
    const routes = new Set(lines.map((line) => label(line, 'http_route')));
    expect(routes).toEqual(
      new Set([
        '/orgs/:orgId/users/:userId',
        '/orgs/:orgId/users',
        '/api/v1/orders/:orderId/items/:itemId',
        '/orgs/:orgId',
        '/tenants/:tenantId/reports/:reportId',
        '/orgs/:orgId/fail',
      ]),
    );
    for (const line of samples(text, 'http_server_request_duration_seconds_bucket')) {
      for (const id of [...ids, 'r-77']) expect(line).not.toContain(id);
    }
    const userLine = lines.find(
      (line) => label(line, 'http_route') === '/orgs/:orgId/users/:userId',
    );
    expect(userLine).toMatch(/http_request_method="GET"/);
    expect(userLine).toMatch(/http_response_status_code="200"/);
    expect(userLine?.endsWith(' 4')).toBe(true);
  });

  it('gives unmatched requests one fixed route and records error statuses', async () => {
    await request(`${server.url}/no/such/path/123`);
    await request(`${server.url}/another/777`);
    await request(`${server.url}/fail`);
    const lines = samples(await metrics.scrape(), 'http_server_request_duration_seconds_count');
    const unmatched = lines.filter((line) => label(line, 'http_route') === 'unmatched');
    expect(unmatched).toHaveLength(1);
    expect(unmatched[0]).toMatch(/http_response_status_code="404"/);
    expect(unmatched[0]?.endsWith(' 2')).toBe(true);
    const failed = lines.find((line) => label(line, 'http_route') === '/fail');
    expect(failed).toMatch(/http_response_status_code="500"/);
    expect(lines.join('\n')).not.toMatch(/no\/such|777/);
  });

  it('reports unknown methods as _OTHER and excludes probe and metrics paths', async () => {
    await request(`${server.url}/orgs/1/users`, { method: 'PROPFIND' });
    await request(`${server.url}/livez`);
    await request(`${server.url}/metrics`);
    await request(`${server.url}/livez?verbose=1`);
    const text = await metrics.scrape();
    const lines = samples(text, 'http_server_request_duration_seconds_count');
    expect(lines.some((line) => label(line, 'http_request_method') === '_OTHER')).toBe(true);
    expect(lines.some((line) => line.includes('PROPFIND'))).toBe(false);
    expect(
      lines.some((line) => ['/livez', '/metrics'].includes(label(line, 'http_route') ?? '')),
    ).toBe(false);
  });

  it('tracks requests in flight and returns to zero', async () => {
    const local = createMetrics({ service: 'api', defaultMetrics: false });
    const middleware = local.httpMiddleware();
    let release: () => void = () => undefined;
    const slow = http.createServer((req, res) => {
      middleware(req, res);
      release = () => res.end('done');
    });
    const running = await listen(slow);
    const pending = request(`${running.url}/slow`, { method: 'POST' });
    await waitFor(async () =>
      samples(await local.scrape(), 'http_server_active_requests').some((line) =>
        line.endsWith(' 1'),
      ),
    );
    release();
    await pending;
    await waitFor(async () =>
      samples(await local.scrape(), 'http_server_active_requests').every((line) =>
        line.endsWith(' 0'),
      ),
    );
    const counts = samples(await local.scrape(), 'http_server_request_duration_seconds_count');
    expect(counts).toHaveLength(1);
    expect(label(counts[0]!, 'http_route')).toBe('unmatched');
    expect(label(counts[0]!, 'http_request_method')).toBe('POST');
    await running.close();
  });
});

describe('/metrics handler', () => {
  it('negotiates text 0.0.4 and OpenMetrics; exemplars only in OpenMetrics', async () => {
    const metrics = createMetrics({ service: 'api', defaultMetrics: false });
    const tracer = new BasicTracerProvider().getTracer('test');
    const unsampledTracer = new BasicTracerProvider({ sampler: new AlwaysOffSampler() }).getTracer(
      'test',
    );
    const middleware = metrics.httpMiddleware({
      getRoute: (req) => (req.url === '/traced' ? '/traced' : '/untraced'),
    });
    const server = await listen(
      http.createServer((req, res) => {
        if (req.url === '/metrics') {
          metrics.handler(req, res);
          return;
        }
        const chosen = req.url === '/traced' ? tracer : unsampledTracer;
        chosen.startActiveSpan('request', (span) => {
          middleware(req, res);
          res.end('ok');
          span.end();
        });
      }),
    );
    await request(`${server.url}/traced`);
    await request(`${server.url}/untraced`);

    const text = await request(`${server.url}/metrics`);
    expect(text.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(text.body).not.toContain('trace_id');
    expect(text.body).toContain('http_route="/traced"');

    const openMetrics = await request(`${server.url}/metrics`, {
      headers: {
        accept: 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5',
      },
    });
    expect(openMetrics.headers['content-type']).toBe(
      'application/openmetrics-text; version=1.0.0; charset=utf-8',
    );
    const exemplarLines = openMetrics.body
      .split('\n')
      .filter((line) => line.includes(' # {trace_id="'));
    expect(exemplarLines.length).toBeGreaterThan(0);
    expect(exemplarLines.every((line) => line.includes('http_route="/traced"'))).toBe(true);
    expect(exemplarLines[0]).toMatch(/# \{trace_id="[0-9a-f]{32}"\} [0-9.e-]+ \d+(\.\d+)?$/);
    expect(openMetrics.body.endsWith('# EOF\n')).toBe(true);

    const head = await request(`${server.url}/metrics`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect((await request(`${server.url}/metrics`, { method: 'POST' })).status).toBe(405);
    await server.close();
  });

  it('streams a large scrape in slices identical to scrape(), and stops when the client hangs up', async () => {
    const metrics = createMetrics({
      service: 'api',
      defaultMetrics: false,
      seriesLimit: 5000,
      scrapeSliceMs: 1,
    });
    const histogram = metrics.histogram({ name: 'big_seconds', help: 'Big.', labelNames: ['k'] });
    for (let index = 0; index < 3000; index++)
      histogram.observe({ k: `key-${index}` }, index / 3000);
    const server = await listen(http.createServer((req, res) => metrics.handler(req, res)));
    const streamed = await request(`${server.url}/metrics`);
    expect(streamed.headers['transfer-encoding']).toBe('chunked');
    expect(streamed.body).toBe(await metrics.scrape());

    // Hang up after the first bytes; the server must neither crash nor keep the socket.
    await new Promise<void>((resolve, reject) => {
      const req = http.get(`${server.url}/metrics`, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', (error: NodeJS.ErrnoException) =>
        error.code === 'ECONNRESET' ? resolve() : reject(error),
      );
    });
    const after = await request(`${server.url}/metrics`);
    expect(after.status).toBe(200);
    expect(after.body.length).toBe(streamed.body.length);
    await server.close();
  });
});
