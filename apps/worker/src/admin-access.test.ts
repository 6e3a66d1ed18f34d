import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { adminAccess } from './admin-access.js';

// The rule's source is pinned equal to the api's copy by apps/api/src/admin/admin-access.test.ts;
// this drives the worker's own copy (the one it runs) from non-loopback callers.
const TOKEN = 'e3b0c44298fc1c149afbf4c8996fb924';

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
