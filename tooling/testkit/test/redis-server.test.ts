import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '../src/index.js';

function client(server: RedisServer): Redis {
  const redis = new Redis(server.url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    commandTimeout: 500,
  });
  redis.on('error', () => undefined);
  return redis;
}

async function answers(server: RedisServer): Promise<boolean> {
  const redis = client(server);
  try {
    await redis.connect();
    await redis.ping();
    return true;
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

const servers: RedisServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.destroy()));
});

describe('startRedisServer', () => {
  it('starts a private redis-server on its own port that answers, and kill() makes it vanish', async () => {
    const server = await startRedisServer();
    servers.push(server);
    expect(server.port).not.toBe(6379);
    expect(server.url).toBe(`redis://127.0.0.1:${String(server.port)}`);
    expect(await answers(server)).toBe(true);
    await server.kill();
    expect(await answers(server)).toBe(false);
    await server.start();
    expect(await answers(server)).toBe(true);
  });

  it('kill() loses the data, stop() saves it for the next start()', async () => {
    const server = await startRedisServer();
    servers.push(server);
    const writer = client(server);
    await writer.connect();
    await writer.set('testkit:kept', 'yes');
    writer.disconnect();

    await server.stop();
    expect(await answers(server)).toBe(false);
    await server.start();
    const reader = client(server);
    await reader.connect();
    expect(await reader.get('testkit:kept')).toBe('yes');
    reader.disconnect();

    await server.kill();
    await server.start();
    const after = client(server);
    await after.connect();
    await after.set('testkit:lost', 'yes');
    after.disconnect();
    await server.kill();
    await server.start();
    const last = client(server);
    await last.connect();
    expect(await last.get('testkit:lost')).toBeNull();
    expect(await last.get('testkit:kept')).toBe('yes');
    last.disconnect();
  });

  it('freeze() stops answers without closing the socket; thaw() brings them back', async () => {
    const server = await startRedisServer();
    servers.push(server);
    const redis = client(server);
    await redis.connect();
    server.freeze();
    await expect(redis.ping()).rejects.toThrow(/timed out/i);
    server.thaw();
    expect(await redis.ping()).toBe('PONG');
    redis.disconnect();
  });

  it('destroy() kills the server and removes its directory, twice without error', async () => {
    const server = await startRedisServer();
    expect(existsSync(server.dir)).toBe(true);
    await server.destroy();
    await server.destroy();
    expect(existsSync(server.dir)).toBe(false);
    expect(await answers(server)).toBe(false);
  });

  it('fails with a code when the binary cannot run', async () => {
    await expect(startRedisServer({ binary: '/nonexistent/redis-server' })).rejects.toMatchObject({
      code: 'TESTKIT_REDIS_EXITED',
    });
  });
});
