import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, expect, it } from 'vitest';
import { createNetworkNamespace, type NetworkNamespace } from '../src/index.js';

const namespaces: NetworkNamespace[] = [];
afterAll(async () => {
  for (const namespace of namespaces) await namespace.remove();
});

it('reaches a host server from a non-loopback address, and leaves nothing behind', async () => {
  const namespace = await createNetworkNamespace();
  namespaces.push(namespace);
  const server = createServer((req, res) => res.end(req.socket.remoteAddress));
  await new Promise<void>((resolve) => server.listen(0, namespace.hostAddress, resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const response = await namespace.fetch(`http://${namespace.hostAddress}:${port}/`, {
      headers: { 'x-test': '1' },
    });
    expect(response).toMatchObject({ status: 200, body: namespace.namespaceAddress });
    expect(namespace.namespaceAddress).toMatch(/^10\.213\.\d+\.2$/);
  } finally {
    server.close();
    await namespace.remove();
  }
  expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })).not.toContain(namespace.name);
  expect(execFileSync('ip', ['-4', '-o', 'addr', 'show'], { encoding: 'utf8' })).not.toContain(
    `${namespace.hostAddress}/30`,
  );
  await namespace.remove();
});
