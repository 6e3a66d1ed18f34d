import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createNetworkNamespace,
  freePort,
  spawnNode,
  type NamespaceResponse,
  type NetworkNamespace,
} from '@shipshape/testkit';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { APP_DIR, isolatedEnv, startApp, type AppProcess } from './helpers/app-process.js';
import { waitFor } from './helpers/ports.js';
import { deleteKeys } from './helpers/redis.js';

/**
 * The admin access rule against the built app, from a caller on another address: a network
 * namespace joined to this host by a veth pair (10.213.x.2 → 10.213.x.1), removed afterwards.
 */
const TOKEN = randomBytes(24).toString('hex');
interface Request {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}
const LEVEL_CHANGE: Request = {
  method: 'PUT',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ level: 'debug', expiresInMs: 60_000 }),
};
const OPEN = ['/livez', '/readyz', '/startupz', '/healthz', '/metrics'];

let created: NetworkNamespace | undefined;
let unavailable = '';
beforeAll(async () => {
  try {
    created = await createNetworkNamespace();
  } catch (error) {
    unavailable = error instanceof Error ? error.message : String(error);
  }
});
afterAll(async () => {
  await created?.remove();
});

/**
 * The namespace, or the test is marked skipped, with the reason, from here on (what ran before
 * still counts: a failure there fails the test).
 */
function outside(ctx: TestContext): NetworkNamespace {
  if (created !== undefined) return created;
  return ctx.skip(
    `network namespaces cannot be created here (${unavailable}); the remote-caller rule is ` +
      'covered by the unit test src/admin/admin-access.test.ts only',
  );
}

/** Sends each request, in order, from inside the namespace to the app's admin port. */
async function fromOutside(
  inside: NetworkNamespace,
  app: AppProcess,
  requests: readonly (readonly [string, Request])[],
): Promise<NamespaceResponse[]> {
  const base = `http://${inside.hostAddress}:${new URL(app.adminUrl).port}`;
  const out: NamespaceResponse[] = [];
  for (const [path, init] of requests) out.push(await inside.fetch(`${base}${path}`, init));
  return out;
}

async function withApp(env: Record<string, string>, run: (app: AppProcess) => Promise<void>) {
  const app = await startApp({ env: { ...isolatedEnv(), ADMIN_HOST: '0.0.0.0', ...env } });
  try {
    await run(app);
  } finally {
    expect((await app.stop()).code).toBe(0);
    await deleteKeys(app.env['QUEUE_PREFIX'] ?? 'none');
  }
}

describe('admin access from a non-loopback caller (built app, ADMIN_HOST=0.0.0.0)', () => {
  it('without a token: changes and details 403, probes and /metrics 200; loopback may change', async (ctx) => {
    await withApp({}, async (app) => {
      const local = await fetch(`${app.adminUrl}/admin/log-level`, LEVEL_CHANGE);
      expect(local.status).toBe(200);
      const namespace = outside(ctx);
      const refused = await fromOutside(namespace, app, [
        ['/admin/log-level', LEVEL_CHANGE],
        ['/admin/log-level', { method: 'DELETE' }],
        ['/admin/log-level', {}],
        ['/admin/info', {}],
        ['/readyz?verbose', {}],
      ]);
      for (const response of refused) {
        expect(response.status).toBe(403);
        expect(response.headers['content-type']).toBe('application/problem+json');
        expect(JSON.parse(response.body)).toMatchObject({ status: 403, title: 'Forbidden' });
      }
      const open = await fromOutside(
        namespace,
        app,
        OPEN.map((path) => [path, {}] as const),
      );
      expect(open.map((r) => r.status)).toEqual(OPEN.map(() => 200));
      expect(open.at(-1)?.body).toContain('http_server_request_duration_seconds');
    });
  });

  it('with ADMIN_TOKEN_FILE: 401 without or with a wrong token, 200 with it, probes and /metrics open', async (ctx) => {
    const dir = mkdtempSync(join(process.env['API_TEST_SCRATCH'] ?? tmpdir(), 'token-'));
    const file = join(dir, 'admin-token');
    writeFileSync(file, `${TOKEN}\n`);
    await withApp({ ADMIN_TOKEN_FILE: file }, async (app) => {
      const localWithout = await fetch(`${app.adminUrl}/admin/log-level`, LEVEL_CHANGE);
      expect(localWithout.status).toBe(401);
      expect(app.rawStdout.join('\n')).not.toContain(TOKEN);
      const namespace = outside(ctx);
      const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
      const withToken = (token: string): Request => ({
        ...LEVEL_CHANGE,
        headers: { 'content-type': 'application/json', ...bearer(token) },
      });
      const [missing, wrong, info] = await fromOutside(namespace, app, [
        ['/admin/log-level', LEVEL_CHANGE],
        ['/admin/log-level', withToken(TOKEN.slice(1))],
        ['/admin/info', {}],
      ]);
      expect(missing?.status).toBe(401);
      expect(missing?.headers['www-authenticate']).toBe('Bearer realm="admin"');
      expect(wrong?.status).toBe(401);
      expect(wrong?.headers['www-authenticate']).toContain('error="invalid_token"');
      expect(info?.status).toBe(401);
      const [changed, details, verbose] = await fromOutside(namespace, app, [
        ['/admin/log-level', withToken(TOKEN)],
        ['/admin/info', { headers: bearer(TOKEN) }],
        ['/readyz?verbose', { headers: bearer(TOKEN) }],
      ]);
      expect(changed?.status).toBe(200);
      expect(JSON.parse(details?.body ?? '{}')).toMatchObject({ service: 'api' });
      expect(JSON.parse(verbose?.body ?? '{}')).toHaveProperty('checks');
      const open = await fromOutside(
        namespace,
        app,
        OPEN.map((path) => [path, {}] as const),
      );
      expect(open.map((r) => r.status)).toEqual(OPEN.map(() => 200));
    });
  });
});

describe('admin bind address', () => {
  it('is loopback by default: the admin port answers on 127.0.0.1 and not on another address', async (ctx) => {
    const [port, adminPort] = [await freePort(), await freePort()];
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(
        ([key]) => !/^(ADMIN_|SERVER_|DATABASE_|QUEUE_)/.test(key),
      ),
    );
    const isolated = isolatedEnv();
    const env = {
      ...inherited,
      ...isolated,
      SERVER_HOST: '127.0.0.1',
      SERVER_PORT: String(port),
      ADMIN_PORT: String(adminPort),
    };
    const proc = spawnNode(['dist/main.js'], { cwd: APP_DIR, env });
    try {
      await waitFor('the start-up log line', () =>
        proc.stdout().includes(`(admin 127.0.0.1:${adminPort})`),
      );
      expect((await fetch(`http://127.0.0.1:${adminPort}/livez`)).status).toBe(200);
      const namespace = outside(ctx);
      await expect(
        namespace.fetch(`http://${namespace.hostAddress}:${adminPort}/livez`),
      ).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      expect((await proc.stop()).code).toBe(0);
      await deleteKeys(isolated['QUEUE_PREFIX'] ?? 'none');
    }
  });
});
