import { Console } from 'node:console';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { FinishedRequest } from '@shipshape/contracts';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { accessLog, createLogger, requestContext, runWithContext } from '../src/index.js';
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
  const order = express.Router({ mergeParams: true });
  order.get('/fail', () => {
    throw new Error('handler failed');
  });
  orders.use('/:orderId', order);
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
  app.use((_error: unknown, _req: express.Request, res: express.Response, _next: unknown) => {
    res.status(500).json({ title: 'Internal Server Error' });
  });
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
    const lines = out.lines().filter((line) => 'http.server.request.duration' in line);
    if (lines.length >= expected || Date.now() > deadline) return lines;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('accessLog', () => {
  it('logs one line per request in OpenTelemetry names, with the route template of nested routers', async () => {
    out.chunks.length = 0;
    await call('/v1/orders/items/7?q=shoes', {
      headers: { 'x-request-id': 'acc-1', 'user-agent': 'probe/1.0' },
    });
    const [line] = await accessLines(1);
    expect(line).toMatchObject({
      level: 'info',
      message: 'GET /v1/orders/items/:itemId 200',
      request_id: 'acc-1',
      'http.request.method': 'GET',
      'http.route': '/v1/orders/items/:itemId',
      'http.response.status_code': 200,
      'url.path': '/v1/orders/items/7',
      'url.query': 'q=shoes',
      'http.response.body.size': 11,
      'user_agent.original': 'probe/1.0',
      'client.address': '127.0.0.1',
    });
    expect(typeof line?.['http.server.request.duration']).toBe('number');
    expect(Object.keys(line ?? {})).not.toContain('error.type');
  });

  it('5xx is error, 404 is info under the unmatched route, a thrown error keeps its full template', async () => {
    out.chunks.length = 0;
    await call('/boom');
    await call('/nowhere');
    await call('/stream');
    await call('/v1/orders/o-42/fail');
    const [boom, missing, stream, failed] = await accessLines(4);
    expect(boom).toMatchObject({
      level: 'error',
      'http.response.status_code': 503,
      'http.route': '/boom',
      'error.type': '503',
    });
    expect(missing).toMatchObject({
      level: 'info',
      message: 'GET unmatched 404',
      'http.response.status_code': 404,
      'http.route': 'unmatched',
      'url.path': '/nowhere',
    });
    // A streamed body declares no Content-Length: its size is not known, so it is not written.
    expect(stream).toMatchObject({ 'http.response.status_code': 200, 'url.path': '/stream' });
    expect(Object.keys(stream ?? {})).not.toContain('http.response.body.size');
    // Express restores req.baseUrl when the error leaves the nested routers; the route stays whole.
    expect(failed).toMatchObject({
      level: 'error',
      'http.route': '/v1/orders/:orderId/fail',
      'http.response.status_code': 500,
    });
  });

  it('writes exactly the fields the README lists, under the names it gives', async () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const section = readme.slice(
      readme.indexOf('### `accessLog('),
      readme.indexOf('### `logLevelHandler('),
    );
    const documented = [...section.matchAll(/^\| `([a-z_.]+)` +\|/gm)].map((match) => match[1]);
    out.chunks.length = 0;
    await call('/v1/orders/items/7?q=shoes', { headers: { 'user-agent': 'probe/1.0' } });
    await call('/v1/orders/items/7', { method: 'PROPFIND' });
    await call('/boom');
    const lines = await accessLines(3);
    const core = ['timestamp', 'level', 'message', 'service', 'version', 'commit', 'request_id'];
    const written = new Set(
      lines.flatMap((line) => Object.keys(line)).filter((key) => !core.includes(key)),
    );
    expect([...written].sort()).toEqual([...documented].sort());
    expect(lines[1]).toMatchObject({
      'http.request.method': '_OTHER',
      'http.request.method_original': 'PROPFIND',
    });
  });

  it('skips probe and metrics paths by default', async () => {
    out.chunks.length = 0;
    await call('/livez');
    await call('/metrics?x=1');
    await call('/boom');
    const lines = await accessLines(1);
    expect(lines.map((line) => line['url.path'])).toEqual(['/boom']);
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
      'url.path': '/v1/orders',
      'url.query': 'access_token=[REDACTED]&page=2',
      'http.response.status_code': 201,
      'http.route': '/v1/orders',
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
    expect(lines[0]).toMatchObject({
      'http.route': '/slow',
      'error.type': 'aborted',
      level: 'info',
    });
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
      expect(custom.lines().map((line) => [line['url.path'], line['url.query']])).toEqual([
        ['/login', 'otp=[REDACTED]&user=me'],
      ]);
    } finally {
      await plain.close();
    }
  });
});

describe('accessLog as an observer of requestContext', () => {
  it('writes the same line from requestContext’s lifecycle: one close listener, the route every observer sees', async () => {
    const lines = new Capture();
    const composed = createLogger({ service: 'api', destination: lines });
    const seen: FinishedRequest[] = [];
    const listeners: number[] = [];
    const app = express();
    app.use((_req, res, next) => {
      const before = res.listenerCount('close');
      res.once('prefinish', () => listeners.push(res.listenerCount('close') - before));
      next();
    });
    app.use(
      requestContext({
        observers: [accessLog(composed), { requestFinished: (request) => seen.push(request) }],
      }),
    );
    const users = express.Router({ mergeParams: true });
    users.get('/:userId', (_req, res) => res.json({ ok: true }));
    app.use('/orgs/:orgId/users', users);
    const composedServer = await listen(createServer(app));
    try {
      await fetch(`${composedServer.url}/orgs/o1/users/u1`, {
        headers: { 'x-request-id': 'obs-1' },
      }).then((r) => r.arrayBuffer());
      await vi.waitFor(async () => {
        await composed.flush();
        expect(lines.lines()).toHaveLength(1);
      });
      expect(lines.lines()[0]).toMatchObject({
        request_id: 'obs-1',
        'http.route': '/orgs/:orgId/users/:userId',
        'http.response.status_code': 200,
      });
      expect(seen.map((request) => request.route)).toEqual(['/orgs/:orgId/users/:userId']);
      // requestContext's lifecycle is the only one: a single close listener for both observers.
      expect(listeners).toEqual([1]);
    } finally {
      await composedServer.close();
    }
  });

  it('accepts any logger: a node:console Console gets every field, request id and message first', async () => {
    const stdout = new Capture();
    const consoleLogger = new Console({ stdout, stderr: stdout, colorMode: false });
    const app = express();
    app.use(requestContext({ observers: [accessLog(consoleLogger)] }));
    app.get('/items/:id', (_req, res) => res.json({ ok: true }));
    const consoleServer = await listen(createServer(app));
    try {
      await fetch(`${consoleServer.url}/items/9?token=abc`, {
        headers: { 'x-request-id': 'con-1' },
      }).then((r) => r.arrayBuffer());
      await vi.waitFor(() => expect(stdout.text).toContain('GET /items/:id 200'));
      const text = stdout.text;
      expect(text.startsWith('GET /items/:id 200')).toBe(true);
      for (const expected of [
        "request_id: 'con-1'",
        "'http.request.method': 'GET'",
        "'http.route': '/items/:id'",
        "'http.response.status_code': 200",
        "'url.path': '/items/9'",
        "'url.query': 'token=[REDACTED]'",
        "'http.server.request.duration'",
        "'client.address': '127.0.0.1'",
      ]) {
        expect(text).toContain(expected);
      }
      expect(text).not.toContain('undefined');
      expect(text).not.toContain('abc');
    } finally {
      await consoleServer.close();
    }
  });
});

describe('accessLog with this package’s logger: the pre-built line and its general path', () => {
  async function lineFrom(
    logger: ReturnType<typeof createLogger>,
    out: Capture,
    before?: express.RequestHandler,
  ): Promise<Record<string, unknown>> {
    const app = express();
    if (before !== undefined) app.use(before);
    app.use(requestContext({ observers: [accessLog(logger)] }));
    app.get('/items/:id', (_req, res) => res.json({ ok: true }));
    const itemServer = await listen(createServer(app));
    try {
      await fetch(`${itemServer.url}/items/9?page=2`, {
        headers: { 'x-request-id': 'pre-1', 'user-agent': 'probe/2' },
      }).then((r) => r.arrayBuffer());
      await vi.waitFor(async () => {
        await logger.flush();
        expect(out.lines()).toHaveLength(1);
      });
      return out.lines()[0]!;
    } finally {
      await itemServer.close();
    }
  }

  it('writes the fields in the README’s order, after the context', async () => {
    const out = new Capture();
    const line = await lineFrom(createLogger({ service: 'api', destination: out }), out);
    expect(Object.keys(line)).toEqual([
      'timestamp',
      'level',
      'message',
      'service',
      'version',
      'commit',
      'request_id',
      'http.request.method',
      'http.route',
      'http.response.status_code',
      'url.path',
      'url.query',
      'http.server.request.duration',
      'http.response.body.size',
      'user_agent.original',
      'client.address',
    ]);
    expect(line).toMatchObject({ 'url.query': 'page=2', 'user_agent.original': 'probe/2' });
  });

  it('redacts a field the logger is told to redact', async () => {
    const out = new Capture();
    const logger = createLogger({ service: 'api', destination: out, redact: ['client.address'] });
    const line = await lineFrom(logger, out);
    expect(line).toMatchObject({ 'client.address': '[REDACTED]', 'http.route': '/items/:id' });
  });

  it('lets the line’s own fields win over a child’s bindings and the context', async () => {
    const out = new Capture();
    const child = createLogger({ service: 'api', destination: out }).child({
      'http.route': 'bound',
      module: 'http',
    });
    const bound = await lineFrom(child, out);
    expect(bound).toMatchObject({ 'http.route': '/items/:id', module: 'http' });
    expect(JSON.stringify(bound).match(/"http\.route"/g)).toHaveLength(1);

    const again = new Capture();
    const logger = createLogger({ service: 'api', destination: again });
    const fromContext = await lineFrom(logger, again, (_req, _res, next) => {
      runWithContext({ 'url.path': 'from-context', tenant: 't1' }, next);
    });
    expect(fromContext).toMatchObject({
      'url.path': '/items/9',
      tenant: 't1',
      request_id: 'pre-1',
    });
    expect(JSON.stringify(fromContext).match(/"url\.path"/g)).toHaveLength(1);
  });
});
