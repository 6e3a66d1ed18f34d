import { Redis } from 'ioredis';
import type { LoggerLike } from './logger-like.js';

/**
 * The producer's Redis client. `enableOfflineQueue: false` makes a command fail at once while
 * the connection is down (a waiting HTTP client gets a 503, not a hang); ioredis keeps
 * reconnecting in the background, so the app recovers without a restart.
 */
export function createRedis(url: string, logger: LoggerLike): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 5000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    lazyConnect: false,
  });
  // Log transitions, not every reconnect attempt.
  let down = false;
  redis.on('error', (error: Error) => {
    if (down) return;
    down = true;
    logger.warn(
      'redis connection lost; reconnecting in the background (enqueues answer 503 meanwhile)',
      {
        err: error,
      },
    );
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    logger.info('redis connection restored');
  });
  return redis;
}

/** QUIT when connected (pending replies are delivered first), else just drop the socket. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'ready') {
    await redis.quit();
    return;
  }
  redis.disconnect();
}

/**
 * Resolves once the client is ready, or after `timeoutMs` whatever its state. Start-up waits on
 * this so the first readiness probe does not catch a connection still being made (and cache that
 * failure); a Redis that is really down does not hold start-up: readiness reports it instead.
 */
export async function waitUntilReady(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      redis.off('ready', done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    redis.once('ready', done);
  });
}
