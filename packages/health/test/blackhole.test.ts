import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import knex, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { knexCheck } from '../src/checks/index.js';
import { createHealth } from '../src/index.js';
import { serve, sleep, type Probe } from './helpers.js';

// A "database" that accepts TCP connections and never says a word: the connection hangs, which is
// what a dropped firewall state or a wedged server looks like to a client.
let blackhole: Server;
let port: number;
const sockets = new Set<Socket>();
let connections = 0;
let db: Knex;
let probe: Probe;

const quiet = (): void => undefined;

beforeAll(async () => {
  blackhole = createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('error', quiet);
  });
  await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
  port = (blackhole.address() as AddressInfo).port;
  db = knex({
    client: 'pg',
    connection: { host: '127.0.0.1', port, user: 'postgres', database: 'postgres' },
    pool: { min: 0, max: 4 },
    acquireConnectionTimeout: 60_000, // far longer than any probe may wait
    log: { warn: quiet, error: quiet, debug: quiet, deprecate: quiet },
  });
});

afterAll(async () => {
  await probe.close();
  for (const socket of sockets) socket.destroy();
  await Promise.race([db.destroy(), sleep(5000)]);
  await new Promise<void>((resolve) => blackhole.close(() => resolve()));
});

describe('knexCheck against a connection that never answers', () => {
  it('fails at the timeout, keeps answering, and does not pile up connection attempts', async () => {
    const health = createHealth({ timeoutMs: 500, cacheTtlMs: 0, verbose: 'always' });
    health.readiness.add('db', knexCheck(db));
    health.markStarted();
    probe = await serve(health.handler);

    const startedAt = Date.now();
    const first = await probe.get('/readyz?verbose');
    const elapsed = Date.now() - startedAt;
    expect(first.status).toBe(503);
    expect(elapsed).toBeGreaterThanOrEqual(490);
    expect(elapsed).toBeLessThan(500 + 1000);
    expect(JSON.parse(first.body).checks['db:responseTime'][0].output).toBe(
      'timed out after 500 ms',
    );

    // Ten more probes while the first query still hangs: each answers at its timeout, none starts
    // another query, so the pool never opens a second connection to the black hole.
    for (let i = 0; i < 10; i += 1) {
      const again = await probe.get('/readyz?verbose');
      expect(again.status).toBe(503);
      expect(JSON.parse(again.body).checks['db:responseTime'][0].output).toMatch(
        /^timed out after 500 ms; the previous call has been running for \d+ ms/,
      );
    }
    expect(connections).toBe(1);
  });
});
