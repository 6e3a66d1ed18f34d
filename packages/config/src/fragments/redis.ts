/** Overrides for `redisSchema` defaults. */
export interface RedisSchemaOptions {
  readonly url?: string;
}

export const REDIS_SCHEMA_DEFAULTS = { url: 'redis://127.0.0.1:6379' } as const;

/** Redis: `REDIS_URL` (sensitive; redis:// or rediss://). */
export function redisSchema(options: RedisSchemaOptions = {}) {
  const d = { ...REDIS_SCHEMA_DEFAULTS, ...options };
  return {
    url: {
      doc: 'Redis connection URL (rediss:// for TLS).',
      format: 'url',
      protocols: ['redis:', 'rediss:'],
      default: d.url,
      env: 'REDIS_URL',
      sensitive: true,
    },
  } as const;
}
