import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expressRouteTemplate } from './route.js';

const seen: { url: string; template: string | undefined }[] = [];
let base = '';
let close: () => Promise<void>;

beforeAll(async () => {
  const app = express();
  // Reads the template when the response closes, as every observer does.
  app.use((req, res, next) => {
    res.on('close', () => {
      seen.push({ url: req.originalUrl, template: expressRouteTemplate(req) });
    });
    next();
  });
  const items = express.Router({ mergeParams: true });
  items.get('/:itemId', (_req, res) => res.send('item'));
  items.get('/:itemId/fail', () => {
    throw new Error('boom');
  });
  items.get('/', (_req, res) => res.send('items'));
  const users = express.Router({ mergeParams: true });
  users.use('/:userId/items', items);
  app.use('/v1/users', users);
  app.get('/health/:probe', (_req, res) => res.send('ok'));
  const shared = express.Router();
  shared.get('/ping', (_req, res) => res.send('pong'));
  app.use('/a', shared);
  app.use('/b/:tenant', shared);
  const admin = express();
  const reports = express.Router();
  reports.get('/:reportId', (_req, res) => res.send('report'));
  admin.use('/reports', reports);
  app.use('/admin', admin);
  app.use('/static', (_req, res) => res.send('a file'));
  app.use('/files/:bucket', (req, res, next) => (req.path === '/missing' ? next() : res.send('f')));
  app.use((error: unknown, _req: IncomingMessage, res: express.Response, _next: unknown) => {
    res.status(500).send(String(error));
  });
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
});

afterAll(async () => {
  await close();
});

async function templateOf(path: string): Promise<string | undefined> {
  seen.length = 0;
  const res = await fetch(base + path);
  await res.arrayBuffer();
  for (let i = 0; i < 100 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
  expect(seen.map((entry) => entry.url)).toEqual([path]);
  return seen[0]?.template;
}

describe('expressRouteTemplate with Express 5', () => {
  it.each([
    ['/v1/users/42/items/7', '/v1/users/:userId/items/:itemId'],
    ['/v1/users/42/items', '/v1/users/:userId/items'],
    ['/v1/users/42/items/7?q=1', '/v1/users/:userId/items/:itemId'],
    ['/health/live', '/health/:probe'],
    ['/a/ping', '/a/ping'],
    ['/b/acme/ping', '/b/:tenant/ping'],
    ['/admin/reports/r-1', '/admin/reports/:reportId'],
    ['/static/logo.png', '/static'],
    ['/files/b-1/report.pdf', '/files/:bucket'],
    ['/files/b-1/missing', undefined],
    ['/nowhere/42', undefined],
  ])('%s → %s', async (path, template) => {
    expect(await templateOf(path)).toBe(template);
  });

  it('keeps the mount template when an error thrown in a nested router reaches the app', async () => {
    // Express restores req.baseUrl to '' on the way out; the template must not shrink to the leaf.
    expect(await templateOf('/v1/users/42/items/7/fail')).toBe(
      '/v1/users/:userId/items/:itemId/fail',
    );
    // And the same route, asked again (now from the cache), answers the same.
    expect(await templateOf('/v1/users/43/items/8/fail')).toBe(
      '/v1/users/:userId/items/:itemId/fail',
    );
  });
});

describe('expressRouteTemplate with an older router (match() mutates the layer)', () => {
  it('rebuilds mount templates from captured parameter values', () => {
    const inner = { handle: () => undefined };
    const mount = {
      handle: { stack: [inner] },
      path: undefined as string | undefined,
      params: {} as Record<string, string>,
      match(path: string) {
        const found = /^\/tenants\/([^/]+)/.exec(path);
        if (found === null) return false;
        this.path = found[0];
        this.params = { tenantId: found[1]! };
        return true;
      },
    };
    const req = {
      baseUrl: '/tenants/acme-42',
      route: { path: '/reports/:reportId' },
      app: { _router: { stack: [mount] } },
    };
    expect(expressRouteTemplate(req)).toBe('/tenants/:tenantId/reports/:reportId');
  });

  it('returns undefined when nothing matched and scrubs id-like mount segments as a last resort', () => {
    expect(expressRouteTemplate({ baseUrl: '' })).toBeUndefined();
    expect(expressRouteTemplate({})).toBeUndefined();
    expect(expressRouteTemplate({ baseUrl: '/x/12345' })).toBe('/x/:id');
    expect(expressRouteTemplate({ baseUrl: '/orgs/12345', route: { path: '/' }, app: {} })).toBe(
      '/orgs/:id',
    );
    expect(
      expressRouteTemplate({
        baseUrl: '/a/0b9f5b0e-8c1a-4f7e-9c2d-3a1b2c3d4e5f/b/deadbeefdeadbeef',
        route: { path: '/c' },
        app: {},
      }),
    ).toBe('/a/:id/b/:id/c');
  });
});
