import { describe, expect, it } from 'vitest';
import { freePort } from '../test/helpers/processes.js';
import { closeRedis, createRedisConnection, isConnectionError } from './redis.js';
import type { LoggerLike } from './types.js';

describe('redis connection', () => {
  it('tells "Redis unreachable" errors from real ones', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
      code: 'ECONNREFUSED',
    });
    expect(isConnectionError(refused)).toBe(true);
    expect(isConnectionError(new Error('Connection is closed.'))).toBe(true);
    expect(isConnectionError(new Error('ERR unknown command'))).toBe(false);
    expect(isConnectionError('ECONNREFUSED')).toBe(false);
  });

  it('logs one warning per outage and closes within its bound while Redis is unreachable', async () => {
    const warnings: string[] = [];
    const logger: LoggerLike = {
      error: () => undefined,
      warn: (message) => warnings.push(message),
      info: () => undefined,
      debug: () => undefined,
    };
    const redis = createRedisConnection(`redis://127.0.0.1:${String(await freePort())}`, {
      logger,
      maxReconnectDelayMs: 50,
    });
    expect(redis.options.maxRetriesPerRequest).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(warnings).toEqual(['redis connection lost; reconnecting (jobs wait, nothing is lost)']);
    const started = Date.now();
    await closeRedis(redis, 300);
    expect(Date.now() - started).toBeLessThan(1_000);
    // Closed for good: no further reconnect attempts.
    let attempts = 0;
    redis.on('reconnecting', () => attempts++);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(attempts).toBe(0);
  });
});
