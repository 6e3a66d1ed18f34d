import { createServer } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessLog, createLogger, requestContext } from '../src/index.js';
import { Capture } from './helpers.js';
import { listen } from './server.js';

const out = new Capture();
const logger = createLogger({ service: 'api', destination: out });
let server: { url: string; close: () => Promise<void> };

beforeAll(async () => {
  const app = express();
  app.use(requestContext());
  app.use(accessLog(logger));
  app.use(express.json());
  const items = express.Router({ mergeParams: true });
  items.get('/:itemId', (_req, res) => {
    res.json({ ok: true });
  });
  const orders = express.Router();
  orders.use('/items', items);
  orders.post('/', (req, res) => {
    logger.info('creating order', {
      body: req.body as unknown,
      headers: req.headers,
      upstream: 'https://svc:pa55word@payments.internal/v1',
    });
    res.status(201).json({ id: 'o1' });
  });
  app.use('/v1/orders', orders);
  app.get('/boom', (_req, res) => {
    res.status(503).send('down');
  });
  app.get('/stream', (_req, res) => {
    res.write('abc');
    res.end('defg');
  });
  app.get('/slow', (_req, res) => {
    setTimeout(() => {
      if (!res.destroyed) res.send('late');
    }, 300).unref();
  });
  app.get('/livez', (_req, res) => res.send('ok'));
  app.get('/metrics', (_req, res) => res.send('# metrics'));
  server = await listen(createServer(app));
});

afterAll(async () => {
  await server.close();
});

async function call(path: string, init?: RequestInit): Promise<void> {
  const res = await fetch(server.url + path, init);
  await res.arrayBuffer();
}

/** The access lines written so far, waiting (bounded) until `expected` of them have arrived. */
async function accessLines(expected: number): Promise<Record<string, unknown>[]> {
  const deadline = Date.now() + 3000;
  for (;;) {
    await logger.flush();
    const lines = out.lines().filter((line) => 'duration_ms' in line);
    if (lines.length >= expected || Date.now() > deadline) return lines;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('accessLog', () => {
  it('logs one line per request with the route template of nested routers, status, duration and bytes', async () => {
    out.chunks.length = 0;
    await call('/v1/orders/items/7?q=shoes', { headers: { 'x-request-id': 'acc-1' } });
    const [line] = await accessLines(1);
    expect(line).toMatchObject({
      level: 'info',
      message: 'GET /v1/orders/items/:itemId 200',
      request_id: 'acc-1',
      method: 'GET',
      route: '/v1/orders/items/:itemId',
      path: '/v1/orders/items/7?q=shoes',
      status: 200,
      bytes: 11,
    });
    expect(typeof line?.duration_ms).toBe('number');
  });

  it('5xx is error, 404 is info without a route, chunked bodies are counted', async () => {
    out.chunks.length = 0;
    await call('/boom');
    await call('/nowhere');
    await call('/stream');
    const [boom, missing, stream] = await accessLines(3);
    expect(boom).toMatchObject({ level: 'error', status: 503, route: '/boom' });
    expect(missing).toMatchObject({ level: 'info', status: 404, path: '/nowhere' });
    expect(missing).not.toHaveProperty('route');
    expect(stream).toMatchObject({ status: 200, bytes: 7 });
  });

  it('skips probe and metrics paths by default', async () => {
    out.chunks.length = 0;
    await call('/livez');
    await call('/metrics?x=1');
    await call('/boom');
    const lines = await accessLines(1);
    expect(lines.map((line) => line.path)).toEqual(['/boom']);
  });

  it('never lets the secrets of a request reach the output', async () => {
    out.chunks.length = 0;
    await call('/v1/orders?access_token=tok-SECRET-1&page=2', {
      method: 'POST',
      headers: {
        authorization: 'Bearer auth-SECRET-2',
        cookie: 'sid=cookie-SECRET-3',
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        email: 'a@b.c',
        password: 'pw-SECRET-4',
        card: { cvv: '123', apiKey: 'key-SECRET-5' },
      }),
    });
    const lines = await accessLines(1);
    const text = out.text;
    for (const secret of [
      'tok-SECRET-1',
      'auth-SECRET-2',
      'cookie-SECRET-3',
      'pw-SECRET-4',
      'key-SECRET-5',
      'pa55word',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('svc:[REDACTED]@payments.internal');
    expect(lines[0]).toMatchObject({
      path: '/v1/orders?access_token=[REDACTED]&page=2',
      status: 201,
      route: '/v1/orders',
    });
    expect(out.lines()[0]).toMatchObject({ body: { email: 'a@b.c', password: '[REDACTED]' } });
  });

  it('marks a request the client abandoned as aborted', async () => {
    out.chunks.length = 0;
    const controller = new AbortController();
    const pending = fetch(`${server.url}/slow`, { signal: controller.signal }).catch(
      () => undefined,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort();
    await pending;
    await new Promise((resolve) => setTimeout(resolve, 50));
    const lines = await accessLines(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ route: '/slow', aborted: true, level: 'info' });
  });

  it('accepts custom exclusions and extra sensitive query names', async () => {
    const custom = new Capture();
    const customLogger = createLogger({ service: 'api', destination: custom });
    const middleware = accessLog(customLogger, {
      exclude: [/^\/internal\//],
      redactQuery: ['otp'],
    });
    const plain = await listen(
      createServer((req, res) => {
        middleware(req, res, () => res.end('x'));
      }),
    );
    try {
      await fetch(`${plain.url}/internal/ping`).then((r) => r.arrayBuffer());
      await fetch(`${plain.url}/login?otp=999111&user=me`).then((r) => r.arrayBuffer());
      const deadline = Date.now() + 3000;
      while (custom.lines().length < 1 && Date.now() < deadline) {
        await customLogger.flush();
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(custom.lines().map((line) => line.path)).toEqual(['/login?otp=[REDACTED]&user=me']);
    } finally {
      await plain.close();
    }
  });
});
