import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createAdminServer, type AdminRoutes } from './admin-server.js';

describe('admin server', () => {
  const servers: ReturnType<typeof createAdminServer>[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
  });

  async function start(overrides: Partial<AdminRoutes> = {}): Promise<string> {
    const server = createAdminServer({
      token: '',
      health: (req, res, next) => {
        if (req.url === '/livez') res.end('live');
        else next?.();
      },
      metrics: (_req, res) => res.end('metrics'),
      logLevel: (_req, res) => res.end('levels'),
      info: () => ({ service: 'example-worker' }),
      ...overrides,
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  }

  it('routes probes, metrics, log levels and info, and answers 404 problem+json otherwise', async () => {
    const url = await start();
    expect(await (await fetch(`${url}/livez`)).text()).toBe('live');
    expect(await (await fetch(`${url}/metrics?x=1`)).text()).toBe('metrics');
    expect(await (await fetch(`${url}/admin/log-level`)).text()).toBe('levels');
    expect(await (await fetch(`${url}/admin/info`)).json()).toEqual({ service: 'example-worker' });
    const missing = await fetch(`${url}/orders`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('application/problem+json');
    expect(await missing.json()).toMatchObject({
      status: 404,
      detail: 'no admin endpoint at GET /orders',
    });
  });

  it('answers 405 for a write to /admin/info and 500 without internals when a handler throws', async () => {
    const url = await start({
      metrics: () => {
        throw new Error('secret internals');
      },
    });
    const post = await fetch(`${url}/admin/info`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    const broken = await fetch(`${url}/metrics`);
    expect(broken.status).toBe(500);
    expect(await broken.text()).not.toContain('secret');
  });

  it('puts every route but probes and /metrics behind the admin token when one is set', async () => {
    const token = 'worker-admin-token-0123456789';
    const url = await start({ token });
    expect((await fetch(`${url}/livez`)).status).toBe(200);
    expect((await fetch(`${url}/metrics`)).status).toBe(200);
    for (const [method, path] of [
      ['GET', '/admin/info'],
      ['PUT', '/admin/log-level'],
      ['GET', '/livez?verbose'],
    ] as const) {
      const refused = await fetch(`${url}${path}`, { method });
      expect(refused.status, `${method} ${path}`).toBe(401);
      expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="admin"');
    }
    const info = await fetch(`${url}/admin/info`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(await info.json()).toEqual({ service: 'example-worker' });
  });
});
