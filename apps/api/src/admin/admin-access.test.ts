import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminAccess, isLoopbackAddress } from './admin-access.js';

describe('isLoopbackAddress', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.255.255.254', true],
    ['::1', true],
    ['0:0:0:0:0:0:0:1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:127.3.2.1', true],
    ['::ffff:7f00:1', true],
    ['126.255.255.255', false],
    ['128.0.0.1', false],
    ['10.213.0.2', false],
    ['::ffff:10.213.0.2', false],
    ['::2', false],
    ['fe80::1', false],
    ['localhost', false],
    ['', false],
    [undefined, false],
  ])('%s → %s', (address, loopback) => {
    expect(isLoopbackAddress(address)).toBe(loopback);
  });
});

const TOKEN = 'e3b0c44298fc1c149afbf4c8996fb924';

async function serve(token: string): Promise<{ url: string; server: Server }> {
  const allowed = adminAccess(token);
  const server = createServer((req, res) => {
    if (allowed(req, res)) res.end('served');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('adminAccess from loopback', () => {
  let open: { url: string; server: Server };
  let guarded: { url: string; server: Server };
  beforeAll(async () => {
    [open, guarded] = await Promise.all([serve(''), serve(TOKEN)]);
  });
  afterAll(() => {
    open.server.close();
    guarded.server.close();
  });

  it('without a token serves loopback callers everything', async () => {
    for (const [method, path] of [
      ['PUT', '/admin/log-level'],
      ['GET', '/admin/info'],
      ['GET', '/readyz?verbose'],
    ] as const) {
      const response = await fetch(`${open.url}${path}`, { method });
      expect(await response.text(), `${method} ${path}`).toBe('served');
    }
  });

  it('with a token keeps probes and /metrics open, even with a wrong token', async () => {
    for (const path of ['/livez', '/readyz', '/readyz/', '/startupz', '/healthz', '/metrics']) {
      for (const headers of [{}, { authorization: 'Bearer wrong' }]) {
        const response = await fetch(`${guarded.url}${path}`, { headers });
        expect(response.status, path).toBe(200);
      }
    }
    expect((await fetch(`${guarded.url}/readyz`, { method: 'HEAD' })).status).toBe(200);
  });

  it('with a token answers 401 problem+json with WWW-Authenticate to everything else without it', async () => {
    for (const [method, path] of [
      ['PUT', '/admin/log-level'],
      ['DELETE', '/admin/log-level'],
      ['GET', '/admin/log-level'],
      ['GET', '/admin/info'],
      ['GET', '/readyz?verbose'],
      ['GET', '/healthz?verbose=1'],
      ['POST', '/livez'],
      ['GET', '/admin/added-later'],
    ] as const) {
      const response = await fetch(`${guarded.url}${path}`, { method });
      expect(response.status, `${method} ${path}`).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="admin"');
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(await response.json()).toMatchObject({ status: 401, title: 'Unauthorized' });
    }
  });

  it('with a token refuses a wrong one of any length, and serves the right one', async () => {
    for (const presented of ['wrong', TOKEN.slice(0, -1), `${TOKEN}x`, TOKEN.toUpperCase()]) {
      const response = await fetch(`${guarded.url}/admin/log-level`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${presented}` },
      });
      expect(response.status, presented).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe(
        'Bearer realm="admin", error="invalid_token"',
      );
    }
    for (const authorization of [`Bearer ${TOKEN}`, `bearer ${TOKEN}`]) {
      const response = await fetch(`${guarded.url}/admin/log-level`, {
        method: 'PUT',
        headers: { authorization },
      });
      expect(await response.text()).toBe('served');
    }
    const basic = await fetch(`${guarded.url}/admin/info`, {
      headers: { authorization: `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}` },
    });
    expect(basic.status).toBe(401);
  });
});

/**
 * A real server and real requests, but the rule sees the caller at `remoteAddress` (a test cannot
 * dial from a non-loopback address without a network namespace; test/admin-access.test.ts does
 * that against the built app where namespaces can be created).
 */
async function serveAs(
  token: string,
  remoteAddress: string,
): Promise<{ url: string; server: Server }> {
  const allowed = adminAccess(token);
  const server = createServer((req, res) => {
    Object.defineProperty(req.socket, 'remoteAddress', {
      value: remoteAddress,
      configurable: true,
    });
    if (allowed(req, res)) res.end('served');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe.each(['10.213.0.2', '::ffff:10.213.0.2', 'fe80::1'])(
  'adminAccess from the non-loopback address %s',
  (remote) => {
    const servers: Server[] = [];
    afterAll(() => {
      for (const server of servers) server.close();
    });
    const start = async (token: string) => {
      const served = await serveAs(token, remote);
      servers.push(served.server);
      return served.url;
    };

    it('without a token: 403 problem+json to changes and details, probes and /metrics served', async () => {
      const url = await start('');
      for (const [method, path] of [
        ['PUT', '/admin/log-level'],
        ['GET', '/admin/log-level'],
        ['GET', '/admin/info'],
        ['GET', '/readyz?verbose'],
      ] as const) {
        const response = await fetch(`${url}${path}`, { method });
        expect(response.status, `${method} ${path}`).toBe(403);
        expect(response.headers.get('content-type')).toBe('application/problem+json');
        expect(await response.json()).toMatchObject({ status: 403, title: 'Forbidden' });
      }
      for (const path of ['/livez', '/readyz', '/startupz', '/healthz', '/metrics']) {
        expect(await (await fetch(`${url}${path}`)).text(), path).toBe('served');
      }
    });

    it('with a token: 401 without it or with a wrong one, served with the right one', async () => {
      const url = await start(TOKEN);
      const put = (headers: Record<string, string>) =>
        fetch(`${url}/admin/log-level`, { method: 'PUT', headers });
      const missing = await put({});
      expect(missing.status).toBe(401);
      expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="admin"');
      const wrong = await put({ authorization: `Bearer ${TOKEN.slice(1)}` });
      expect(wrong.status).toBe(401);
      expect(wrong.headers.get('www-authenticate')).toContain('error="invalid_token"');
      const right = await put({ authorization: `Bearer ${TOKEN}` });
      expect(right.status).toBe(200);
      expect(await right.text()).toBe('served');
    });
  },
);

it('is the same file as the worker’s copy (the apps cannot import each other; this pins them)', () => {
  const own = readFileSync(new URL('./admin-access.ts', import.meta.url), 'utf8');
  const worker = readFileSync(
    new URL('../../../worker/src/admin-access.ts', import.meta.url),
    'utf8',
  );
  expect(worker).toBe(own);
});
