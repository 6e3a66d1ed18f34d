import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import {
  createNetworkNamespace,
  freePort,
  type NamespaceResponse,
  type NetworkNamespace,
} from '@shipshape/testkit';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { startWorker } from './helpers/apps.js';
import { migratedSqlite, type MigratedSqlite } from './helpers/migrated-sqlite.js';
import { until, type AppProcess } from './helpers/processes.js';

/**
 * The admin access rule against the built worker, from a caller on another address: a network
 * namespace joined to this host by a veth pair (10.213.x.2 → 10.213.x.1), removed afterwards.
 */
const TOKEN = randomBytes(24).toString('hex');
const LEVEL_CHANGE = {
  method: 'PUT',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ level: 'debug', expiresInMs: 60_000 }),
};
const OPEN = ['/livez', '/readyz', '/startupz', '/metrics'];

let created: NetworkNamespace | undefined;
let unavailable = '';
let database: MigratedSqlite;
const prefix = `admin-access-${randomUUID()}`;
const dir = mkdtempSync(join(tmpdir(), 'worker-admin-'));

beforeAll(async () => {
  database = await migratedSqlite();
  try {
    created = await createNetworkNamespace();
  } catch (error) {
    unavailable = error instanceof Error ? error.message : String(error);
  }
});
afterAll(async () => {
  await created?.remove();
  await database.cleanup();
  rmSync(dir, { recursive: true, force: true });
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

async function withWorker(
  env: Record<string, string>,
  run: (worker: AppProcess, port: number) => Promise<void>,
): Promise<void> {
  const port = await freePort();
  const worker = startWorker('admin-access', {
    ADMIN_PORT: String(port),
    DATABASE_FILE: database.file,
    QUEUE_PREFIX: prefix,
    ...env,
  });
  try {
    await until('the worker to be ready', async () =>
      (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.ok
        ? true
        : undefined,
    );
    await run(worker, port);
  } finally {
    worker.child.kill('SIGTERM');
    expect((await worker.exited).code).toBe(0);
  }
}

/**
 * The namespace, or the test is marked skipped, with the reason, from here on (what ran before
 * still counts: a failure there fails the test).
 */
function outside(ctx: TestContext): NetworkNamespace {
  if (created !== undefined) return created;
  return ctx.skip(
    `network namespaces cannot be created here (${unavailable}); the remote-caller rule is ` +
      'covered by the unit test src/admin-access.test.ts only',
  );
}

async function fromOutside(
  inside: NetworkNamespace,
  port: number,
  requests: readonly (readonly [string, Parameters<NetworkNamespace['fetch']>[1]])[],
): Promise<NamespaceResponse[]> {
  const out: NamespaceResponse[] = [];
  for (const [path, init] of requests) {
    out.push(await inside.fetch(`http://${inside.hostAddress}:${port}${path}`, init));
  }
  return out;
}

describe('worker admin access from a non-loopback caller (ADMIN_HOST=0.0.0.0)', () => {
  it('without a token: changes and details 403, probes and /metrics 200; loopback may change', async (ctx) => {
    await withWorker({ ADMIN_HOST: '0.0.0.0' }, async (_worker, port) => {
      expect((await fetch(`http://127.0.0.1:${port}/admin/log-level`, LEVEL_CHANGE)).status).toBe(
        200,
      );
      const namespace = outside(ctx);
      const refused = await fromOutside(namespace, port, [
        ['/admin/log-level', LEVEL_CHANGE],
        ['/admin/info', {}],
        ['/healthz?verbose', {}],
        ['/admin/queues', {}],
        ['/admin/queues/api/queues', {}],
      ]);
      expect(refused.map((r) => [r.status, r.headers['content-type']])).toEqual(
        refused.map(() => [403, 'application/problem+json']),
      );
      const open = await fromOutside(
        namespace,
        port,
        OPEN.map((path) => [path, {}] as const),
      );
      expect(open.map((r) => r.status)).toEqual(OPEN.map(() => 200));
    });
  });

  it('with ADMIN_TOKEN_FILE: 401 without the token, 200 with it; probes and /metrics open', async (ctx) => {
    const file = join(dir, 'admin-token');
    writeFileSync(file, `${TOKEN}\n`);
    await withWorker({ ADMIN_HOST: '0.0.0.0', ADMIN_TOKEN_FILE: file }, async (worker, port) => {
      expect((await fetch(`http://127.0.0.1:${port}/admin/info`)).status).toBe(401);
      const namespace = outside(ctx);
      const authorization = `Bearer ${TOKEN}`;
      const [missing, changed, info] = await fromOutside(namespace, port, [
        ['/admin/log-level', LEVEL_CHANGE],
        [
          '/admin/log-level',
          { ...LEVEL_CHANGE, headers: { ...LEVEL_CHANGE.headers, authorization } },
        ],
        ['/admin/info', { headers: { authorization } }],
      ]);
      expect(missing?.status).toBe(401);
      expect(missing?.headers['www-authenticate']).toBe('Bearer realm="admin"');
      expect(changed?.status).toBe(200);
      expect(JSON.parse(info?.body ?? '{}')).toMatchObject({ service: 'worker' });
      const open = await fromOutside(
        namespace,
        port,
        OPEN.map((path) => [path, {}] as const),
      );
      expect(open.map((r) => r.status)).toEqual(OPEN.map(() => 200));
      expect(JSON.stringify(worker.lines)).not.toContain(TOKEN);
    });
  });

  it('binds to loopback by default: nothing answers on another address', async (ctx) => {
    await withWorker({}, async (_worker, port) => {
      const namespace = outside(ctx);
      await expect(
        namespace.fetch(`http://${namespace.hostAddress}:${port}/livez`),
      ).rejects.toThrow(/ECONNREFUSED/);
    });
  });
});
