import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createRequestLifecycle,
  type FinishedRequest,
  type RequestLifecycleOptions,
  type RequestObserver,
} from './request-lifecycle.js';

const servers: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const close of servers.splice(0)) await close();
});

function recorder(ignored: readonly string[] = []): RequestObserver & {
  finished: FinishedRequest[];
  started: string[];
} {
  const finished: FinishedRequest[] = [];
  const started: string[] = [];
  return {
    finished,
    started,
    observes: (path) => !ignored.includes(path),
    requestStarted: (method) => started.push(method),
    requestFinished: (request) => finished.push(request),
  };
}

/** An Express app whose first middleware runs the lifecycle; returns its base URL. */
async function serve(options: RequestLifecycleOptions, listeners: number[] = []): Promise<string> {
  const lifecycle = createRequestLifecycle(options);
  const app = express();
  app.use((req, res, next) => {
    const before = res.listenerCount('close');
    lifecycle.observe(req, res, 'captured');
    listeners.push(res.listenerCount('close') - before);
    next();
  });
  const orders = express.Router();
  orders.get('/:orderId', (_req, res) => res.json({ ok: true }));
  app.use('/orders', orders);
  app.get('/slow', (_req, res) => {
    setTimeout(() => {
      if (!res.destroyed) res.end('late');
    }, 500).unref();
  });
  app.get('/livez', (_req, res) => res.send('ok'));
  const server = createServer(app);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  servers.push(
    () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('createRequestLifecycle', () => {
  it('gives every observer the same record from one close listener, one clock and one route', async () => {
    const listeners: number[] = [];
    const getRoute = vi.fn((req: IncomingMessage, _res: ServerResponse) =>
      (req as { route?: unknown }).route === undefined ? undefined : '/orders/:orderId',
    );
    const a = recorder();
    const b = recorder();
    const base = await serve({ observers: [a, b], getRoute }, listeners);
    await fetch(`${base}/orders/42?token=x`).then((r) => r.arrayBuffer());
    await vi.waitFor(() => expect(b.finished).toHaveLength(1));
    expect(listeners).toEqual([1]);
    expect(getRoute).toHaveBeenCalledTimes(1);
    expect(a.finished[0]).toBe(b.finished[0]);
    expect(a.started).toEqual(['GET']);
    expect(a.finished[0]).toMatchObject({
      method: 'GET',
      methodOriginal: 'GET',
      route: '/orders/:orderId',
      statusCode: 200,
      url: '/orders/42?token=x',
      path: '/orders/42',
      aborted: false,
      context: 'captured',
      span: undefined,
    });
    expect(a.finished[0]!.durationSeconds).toBeGreaterThan(0);
  });

  it('resolves Express route templates by default and names unmatched requests and unknown methods', async () => {
    const a = recorder();
    const base = await serve({ observers: [a], activeSpan: () => undefined });
    await fetch(`${base}/orders/7`).then((r) => r.arrayBuffer());
    await fetch(`${base}/nowhere`).then((r) => r.arrayBuffer());
    await fetch(`${base}/orders/7`, { method: 'PROPFIND' }).then((r) => r.arrayBuffer());
    await vi.waitFor(() => expect(a.finished).toHaveLength(3));
    expect(a.finished.map((r) => [r.method, r.methodOriginal, r.route, r.statusCode])).toEqual([
      ['GET', 'GET', '/orders/:orderId', 200],
      ['GET', 'GET', 'unmatched', 404],
      ['_OTHER', 'PROPFIND', 'unmatched', 404],
    ]);
    const custom = recorder();
    const other = await serve({ observers: [custom], unmatchedRoute: '(none)' });
    await fetch(`${other}/nowhere`).then((r) => r.arrayBuffer());
    await vi.waitFor(() => expect(custom.finished[0]?.route).toBe('(none)'));
  });

  it('skips observers for paths they ignore, and adds no listener when all do', async () => {
    const listeners: number[] = [];
    const logs = recorder(['/livez']);
    const metrics = recorder(['/livez', '/orders/1']);
    const base = await serve({ observers: [logs, metrics] }, listeners);
    await fetch(`${base}/livez`).then((r) => r.arrayBuffer());
    await fetch(`${base}/orders/1`).then((r) => r.arrayBuffer());
    await vi.waitFor(() => expect(logs.finished).toHaveLength(1));
    expect(listeners).toEqual([0, 1]);
    expect(logs.finished.map((r) => r.path)).toEqual(['/orders/1']);
    expect(metrics.finished).toEqual([]);
    expect(metrics.started).toEqual([]);
  });

  it('marks a request the client abandoned', async () => {
    const a = recorder();
    const base = await serve({ observers: [a] });
    const controller = new AbortController();
    const pending = fetch(`${base}/slow`, { signal: controller.signal }).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort();
    await pending;
    await vi.waitFor(() => expect(a.finished).toHaveLength(1));
    expect(a.finished[0]).toMatchObject({ route: '/slow', aborted: true });
  });

  it('runs the other observers when one throws, and warns once', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(warning.message);
    };
    process.on('warning', onWarning);
    try {
      const good = recorder();
      const bad: RequestObserver = {
        requestFinished: () => {
          throw new Error('observer bug');
        },
      };
      const base = await serve({ observers: [bad, good] });
      await fetch(`${base}/orders/1`).then((r) => r.arrayBuffer());
      await fetch(`${base}/orders/2`).then((r) => r.arrayBuffer());
      await vi.waitFor(() => expect(good.finished).toHaveLength(2));
      await vi.waitFor(() => expect(warnings).toHaveLength(1));
      expect(warnings[0]).toContain('observer bug');
    } finally {
      process.off('warning', onWarning);
    }
  });
});
