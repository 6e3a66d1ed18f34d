import { Agent, createServer, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOG_LEVEL_HANDLER_DEFAULTS } from '../src/defaults.js';
import { createLogger, logLevelHandler } from '../src/index.js';
import { Capture } from './helpers.js';
import { listen } from './server.js';

const out = new Capture();
const logger = createLogger({ service: 'api', destination: out });
let server: { url: string; close: () => Promise<void> };

beforeAll(async () => {
  server = await listen(createServer(logLevelHandler(logger)));
});
afterAll(async () => {
  await server.close();
  await logger.close();
});

async function put(
  body: string,
): Promise<{ status: number; type: string | null; json: Record<string, unknown> }> {
  const res = await fetch(`${server.url}/admin/log-level`, {
    method: 'PUT',
    body,
    headers: { 'content-type': 'application/json' },
  });
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    json: (await res.json()) as Record<string, unknown>,
  };
}

describe('logLevelHandler', () => {
  it('GET returns the levels in force', async () => {
    const res = await fetch(`${server.url}/admin/log-level`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ level: 'info', expiresAt: null, modules: {} });
  });

  it('PUT without an expiry gets the default one, so a forgotten debug reverts by itself', async () => {
    const before = Date.now();
    const changed = await put('{"level":"debug"}');
    expect(changed.status).toBe(200);
    const expiresAt = Date.parse(changed.json.expiresAt as string);
    expect(expiresAt - before).toBeGreaterThanOrEqual(
      LOG_LEVEL_HANDLER_DEFAULTS.defaultExpiresInMs - 1000,
    );
    expect(expiresAt - before).toBeLessThanOrEqual(
      LOG_LEVEL_HANDLER_DEFAULTS.defaultExpiresInMs + 1000,
    );
    await logger.flush();
    const logged = out
      .lines()
      .filter((l) => l.message === 'log level changed')
      .at(-1);
    expect(logged).toMatchObject({
      level: 'warn',
      previous_level: 'info',
      new_level: 'debug',
      expires_in_ms: LOG_LEVEL_HANDLER_DEFAULTS.defaultExpiresInMs,
      'client.address': '127.0.0.1',
    });
    expect(logged).not.toHaveProperty('module');
    expect((await put('{"level":"info"}')).status).toBe(200);
  });

  it('PUT changes the global level and a module level with expiry, and logs the change', async () => {
    expect((await put('{"level":"warn"}')).json).toMatchObject({ level: 'warn' });
    const before = Date.now();
    const changed = await put('{"level":"debug","module":"db","expiresInMs":60000}');
    expect(changed.status).toBe(200);
    const db = (changed.json.modules as Record<string, { level: string; expiresAt: string }>).db!;
    expect(db.level).toBe('debug');
    expect(Date.parse(db.expiresAt) - before).toBeGreaterThanOrEqual(59_000);
    expect(logger.child({ module: 'db' }).isLevelEnabled('debug')).toBe(true);
    expect(logger.isLevelEnabled('info')).toBe(false);
    await logger.flush();
    expect(
      out
        .lines()
        .filter((l) => l.message === 'log level changed')
        .at(-1),
    ).toMatchObject({ new_level: 'debug', module: 'db', expires_in_ms: 60000 });
  });

  it('answers bad input with problem+json and changes nothing', async () => {
    const before = logger.getLevels();
    for (const body of [
      'not json',
      '{"level":"loud"}',
      '{"level":"info","expiresInMs":-1}',
      '{"level":"info","module":5}',
      '{"level":"info","module":""}',
      `{"level":"info","module":"${'m'.repeat(65)}"}`,
      '{"level":"info","module":"has space"}',
      '{"level":"info","module":"caf\u00e9"}',
      `{"level":"info","expiresInMs":${LOG_LEVEL_HANDLER_DEFAULTS.maxExpiresInMs + 1}}`,
      '{"level":"info","expiresInMs":1.5}',
    ]) {
      const res = await put(body);
      expect(res.status).toBe(400);
      expect(res.type).toBe('application/problem+json');
      expect(res.json).toMatchObject({
        status: 400,
        title: expect.any(String),
        detail: expect.any(String),
      });
    }
    expect(await put('x'.repeat(5000))).toMatchObject({ status: 413 });
    expect(logger.getLevels()).toEqual(before);
  });

  it('rejects other methods with 405 and an Allow header', async () => {
    const res = await fetch(`${server.url}/admin/log-level`, { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD, PUT');
  });
});

const agent = new Agent({ keepAlive: true, maxSockets: 16 });
afterAll(() => {
  agent.destroy();
});

/** A PUT over a kept-alive node:http connection (fetch costs too much per request for 20,000). */
function rawPut(
  url: string,
  body: string,
): Promise<{ status: number; type: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'PUT', agent }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body: text }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('logLevelHandler bounds (20,000 PUTs with fresh module names)', () => {
  it('keeps at most maxModuleLevels overrides, refuses the rest with 409 problem+json, replies stay small', async () => {
    const sink = new Capture();
    const bounded = createLogger({ service: 'api', destination: sink, maxModuleLevels: 32 });
    const admin = await listen(createServer(logLevelHandler(bounded)));
    const statuses = new Map<number, number>();
    let largestReply = 0;
    let largestTable = 0;
    try {
      const total = 20_000;
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < total) {
          const n = next++;
          const res = await rawPut(
            `${admin.url}/admin/log-level`,
            JSON.stringify({ level: 'debug', module: `m${n}.${'x'.repeat(50)}` }),
          );
          const body = res.body;
          largestReply = Math.max(largestReply, Buffer.byteLength(body));
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          if (res.status === 409) {
            expect(res.type).toBe('application/problem+json');
            expect(JSON.parse(body)).toMatchObject({
              status: 409,
              title: 'Too many module levels',
            });
          }
          if (n % 500 === 0) {
            largestTable = Math.max(largestTable, Object.keys(bounded.getLevels().modules).length);
          }
        }
      };
      await Promise.all(Array.from({ length: 16 }, worker));
      const get = await fetch(`${admin.url}/admin/log-level`);
      const listing = await get.text();
      largestReply = Math.max(largestReply, Buffer.byteLength(listing));
      expect(Object.fromEntries(statuses)).toEqual({ 200: 32, 409: total - 32 });
      expect(Object.keys(bounded.getLevels().modules)).toHaveLength(32);
      expect(largestTable).toBeLessThanOrEqual(32);
      expect(largestReply).toBeLessThan(16 * 1024);
      await bounded.flush();
      expect(sink.lines().filter((line) => line.message === 'log level changed')).toHaveLength(32);
    } finally {
      await admin.close();
      await bounded.close();
    }
  }, 180_000);

  it('rejects handler options that contradict each other', () => {
    expect(() =>
      logLevelHandler(logger, { defaultExpiresInMs: 10_000, maxExpiresInMs: 5_000 }),
    ).toThrow(expect.objectContaining({ code: 'LOGGER_INVALID_OPTIONS' }));
    expect(() => logLevelHandler(logger, { maxExpiresInMs: 0 })).toThrow(/maxExpiresInMs/);
  });
});
