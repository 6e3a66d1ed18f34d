import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HealthHandler } from '../src/index.js';

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

export interface Probe {
  readonly base: string;
  readonly server: Server;
  get(
    path: string,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: string; headers: Headers }>;
  close(): Promise<void>;
}

export async function serve(handler: HealthHandler): Promise<Probe> {
  const server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  return {
    base,
    server,
    async get(path, headers = {}) {
      const response = await fetch(`${base}${path}`, {
        headers,
        signal: AbortSignal.timeout(10_000),
      });
      return { status: response.status, body: await response.text(), headers: response.headers };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Polls until `predicate` holds; returns the elapsed ms, or throws after `limitMs`. */
export async function waitFor(
  what: string,
  predicate: () => Promise<boolean>,
  limitMs: number,
  intervalMs = 25,
): Promise<number> {
  const startedAt = Date.now();
  for (;;) {
    if (await predicate()) return Date.now() - startedAt;
    if (Date.now() - startedAt > limitMs)
      throw new Error(`timed out after ${limitMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}
