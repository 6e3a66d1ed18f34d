import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { closeHttpServer } from '../src/http.js';
import { trackHttpServer } from '../src/http-server-tracker.js';
import { createShutdown } from '../src/index.js';
import { closedAt, get, keepAliveAgent } from './http-client.js';

const servers: http.Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.closeAllConnections();
});

/** An in-process server: GET /slow?ms=N answers after N ms, anything else at once. */
async function listen(track: boolean): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const delayMs = url.pathname === '/slow' ? Number(url.searchParams.get('ms')) : 0;
    setTimeout(() => res.end('ok'), delayMs);
  });
  servers.push(server);
  if (track) trackHttpServer(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('closeHttpServer', () => {
  it('answers the in-flight request with Connection: close, closes the idle socket, resolves with nothing destroyed', async () => {
    const { server, port } = await listen(true);
    const idleAgent = keepAliveAgent();
    const idle = await get({ port, path: '/', agent: idleAgent });
    const idleClosed = closedAt(idle.socket);
    await sleep(80);
    const busyAgent = keepAliveAgent();
    const inFlight = get({ port, path: '/slow?ms=200', agent: busyAgent });
    await sleep(50);
    const startedAt = Date.now();
    const result = closeHttpServer(server, { timeoutMs: 2000, socketIdleMs: 50 });
    expect((await idleClosed) - startedAt).toBeLessThan(100);
    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(answer.connection).toBe('close');
    expect((await result).destroyedConnections).toBe(0);
    expect(server.listening).toBe(false);
  });

  it('keeps a socket that has just answered open for socketIdleMs: its next request is served with Connection: close', async () => {
    const { server, port } = await listen(true);
    const agent = keepAliveAgent();
    const first = await get({ port, path: '/', agent });
    const closing = closeHttpServer(server, { timeoutMs: 2000, socketIdleMs: 400 });
    await sleep(100);
    const second = await get({ port, path: '/', agent });
    expect(second.reusedSocket).toBe(true);
    expect(second.socket).toBe(first.socket);
    expect(second.status).toBe(200);
    expect(second.connection).toBe('close');
    // The listener is closed: a new connection is refused, not queued.
    await expect(get({ port, path: '/', agent: keepAliveAgent() })).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
    expect((await closing).destroyedConnections).toBe(0);
  });

  it('destroys what is left at the timeout and says how many', async () => {
    const { server, port } = await listen(true);
    const stuck = get({ port, path: '/slow?ms=5000', agent: keepAliveAgent() });
    await sleep(50);
    const startedAt = Date.now();
    const result = await closeHttpServer(server, { timeoutMs: 200 });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(190);
    expect(Date.now() - startedAt).toBeLessThan(1000);
    expect(result.destroyedConnections).toBe(1);
    await expect(stuck).rejects.toMatchObject({ code: 'ECONNRESET' });
  });

  it('still closes idle connections accepted before tracking began', async () => {
    const { server, port } = await listen(false);
    const idle = await get({ port, path: '/', agent: keepAliveAgent() });
    const idleClosed = closedAt(idle.socket);
    const result = await closeHttpServer(server, { timeoutMs: 2000, socketIdleMs: 50 });
    await idleClosed;
    expect(result.destroyedConnections).toBe(0);
  });
});

describe('addHttpServer', () => {
  it('destroys the leftovers when its hook times out, and the exit code is 1', async () => {
    const { server, port } = await listen(false);
    const exits: number[] = [];
    const shutdown = createShutdown({
      signals: [],
      handleUncaught: false,
      env: {},
      exit: (code) => exits.push(code),
      logger: {
        error: () => undefined,
        warn: () => undefined,
        info: () => undefined,
        debug: () => undefined,
      },
    });
    shutdown.addHttpServer('http', server, { timeoutMs: 200 });
    const stuck = get({ port, path: '/slow?ms=5000', agent: keepAliveAgent() });
    await sleep(50);
    await shutdown.shutdown('test');
    expect(exits).toEqual([1]);
    await expect(stuck).rejects.toMatchObject({ code: 'ECONNRESET' });
  });
});
