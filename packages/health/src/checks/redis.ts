import type { HealthCheck } from '../types.js';

/** The part of an ioredis client (or Cluster) the check uses. */
export interface RedisCheckTarget {
  readonly status: string;
  ping(): Promise<unknown>;
}

/**
 * Sends PING and expects PONG. Fails at once when the client is not connected: while ioredis is
 * reconnecting, a command waits in its offline queue until the connection returns, which would hang
 * the check until its timeout. `status === 'ready'` alone is not trusted either: a half-open socket
 * still says ready, so a ready client must also answer PING (nestjs/terminus#1272).
 */
export function redisCheck(redis: RedisCheckTarget): HealthCheck {
  return async () => {
    const status = redis.status;
    // 'wait' is a lazyConnect client that has not connected yet: PING makes it connect.
    if (status !== 'ready' && status !== 'wait') {
      throw new Error(`redis client is ${status}, not ready; waiting for it to reconnect`);
    }
    const reply = await redis.ping();
    if (reply !== 'PONG') {
      throw new Error(`redis answered PING with ${JSON.stringify(reply)} instead of PONG`);
    }
  };
}
