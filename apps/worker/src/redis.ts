import { Redis } from 'ioredis';
import type { LoggerLike } from './types.js';

export interface RedisConnectionOptions {
  readonly logger?: LoggerLike;
  /** Shown in `CLIENT LIST`, so an operator can tell whose connection it is. */
  readonly connectionName?: string;
  /** Upper bound of the reconnect back-off. */
  readonly maxReconnectDelayMs?: number;
}

export const REDIS_DEFAULTS = {
  connectionName: 'example-worker',
  maxReconnectDelayMs: 2_000,
} as const;

/**
 * The worker's own ioredis client, as BullMQ requires for workers: `maxRetriesPerRequest: null` so a
 * command waits through an outage instead of failing, and reconnects forever with a capped back-off.
 * One warn line per outage, one info line when it ends (not one line per reconnect attempt).
 * The app closes it with {@link closeRedis}; BullMQ never closes a client it was given.
 */
export function createRedisConnection(url: string, options: RedisConnectionOptions = {}): Redis {
  const { logger, connectionName, maxReconnectDelayMs } = { ...REDIS_DEFAULTS, ...options };
  const redis = new Redis(url, {
    maxRetriesPerRequest: null,
    connectionName,
    retryStrategy: (times) => Math.min(times * 100, maxReconnectDelayMs),
  });
  let down = false;
  redis.on('error', (error: Error) => {
    if (down) return;
    down = true;
    logger?.warn('redis connection lost; reconnecting (jobs wait, nothing is lost)', {
      err: error,
    });
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    logger?.info('redis connection restored');
  });
  return redis;
}

/** `QUIT` politely, but never wait longer than `timeoutMs` (Redis may be the thing that is down). */
export async function closeRedis(redis: Redis, timeoutMs = 2_000): Promise<void> {
  if (redis.status === 'end') return;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const outcome = await Promise.race([redis.quit().catch(() => 'failed' as const), timedOut]);
    if (outcome !== 'OK') redis.disconnect();
  } finally {
    clearTimeout(timer);
  }
}

const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/**
 * True for errors that only say "Redis is unreachable right now". The connection's own outage line
 * (see createRedisConnection) already reports those once; logging each retry would flood the log.
 */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && CONNECTION_ERROR_CODES.has(code)) return true;
  return /Connection is closed|Stream isn't writeable|connect ETIMEDOUT/i.test(error.message);
}
