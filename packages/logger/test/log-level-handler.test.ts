import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
