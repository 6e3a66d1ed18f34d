import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { describeSchema } from './describe-schema.js';
import { adminSchema } from './fragments/admin.js';
import { databaseSchema } from './fragments/database.js';
import { logSchema } from './fragments/log.js';
import { redisSchema } from './fragments/redis.js';
import { serverSchema } from './fragments/server.js';
import { shutdownSchema } from './fragments/shutdown.js';
import { loadConfig } from './load-config.js';

const appSchema = {
  server: serverSchema(),
  admin: adminSchema(),
  log: logSchema(),
  database: databaseSchema(),
  redis: redisSchema(),
  shutdown: shutdownSchema(),
};

describe('schema fragments', () => {
  it('use the environment variable names the apps and deployments rely on', () => {
    expect(Object.fromEntries(describeSchema(appSchema).map((row) => [row.key, row.env]))).toEqual({
      'server.host': 'SERVER_HOST',
      'server.port': 'SERVER_PORT',
      'server.requestTimeout': 'SERVER_REQUEST_TIMEOUT',
      'server.headersTimeout': 'SERVER_HEADERS_TIMEOUT',
      'server.keepAliveTimeout': 'SERVER_KEEP_ALIVE_TIMEOUT',
      'server.bodyLimit': 'SERVER_BODY_LIMIT',
      'admin.host': 'ADMIN_HOST',
      'admin.port': 'ADMIN_PORT',
      'admin.token': 'ADMIN_TOKEN',
      'log.level': 'LOG_LEVEL',
      'log.format': 'LOG_FORMAT',
      'database.url': 'DATABASE_URL',
      'database.file': 'DATABASE_FILE',
      'database.poolMin': 'DATABASE_POOL_MIN',
      'database.poolMax': 'DATABASE_POOL_MAX',
      'database.acquireTimeout': 'DATABASE_ACQUIRE_TIMEOUT',
      'redis.url': 'REDIS_URL',
      'shutdown.timeout': 'SHUTDOWN_TIMEOUT',
      'shutdown.drainDelay': 'SHUTDOWN_DRAIN_DELAY',
      'shutdown.gracePeriod': 'SHUTDOWN_GRACE_PERIOD',
    });
  });

  it('keep their env names wherever the app mounts them', () => {
    const rows = describeSchema({ http: serverSchema(), db: databaseSchema() });
    expect(rows.find((r) => r.key === 'http.port')?.env).toBe('SERVER_PORT');
    expect(rows.find((r) => r.key === 'db.url')?.env).toBe('DATABASE_URL');
  });

  it('load with production defaults (durations in ms, sizes in bytes)', () => {
    const config = loadConfig(appSchema, { env: {}, argv: [] });
    expect(config).toEqual({
      server: {
        host: '0.0.0.0',
        port: 3000,
        requestTimeout: 30_000,
        headersTimeout: 10_000,
        keepAliveTimeout: 65_000,
        bodyLimit: 102_400,
      },
      admin: { host: '127.0.0.1', port: 9464, token: '' },
      log: { level: 'info', format: 'json' },
      database: {
        url: '',
        file: '.data/shipshape.sqlite',
        poolMin: 0,
        poolMax: 10,
        acquireTimeout: 10_000,
      },
      redis: { url: 'redis://127.0.0.1:6379' },
      shutdown: { timeout: 25_000, drainDelay: 0, gracePeriod: 30_000 },
    });
  });

  it('mark database and redis URLs sensitive', () => {
    expect(
      describeSchema(appSchema)
        .filter((r) => r.sensitive)
        .map((r) => r.key),
    ).toEqual(['admin.token', 'database.url', 'redis.url']);
  });

  it('take default overrides', () => {
    const config = loadConfig(
      {
        admin: adminSchema({ port: 9465 }),
        server: serverSchema({ port: 8080, requestTimeout: '1m' }),
      },
      { env: {}, argv: [] },
    );
    expect(config.admin.port).toBe(9465);
    expect(config.server.port).toBe(8080);
    expect(config.server.requestTimeout).toBe(60_000);
  });

  it('log format defaults to pretty only when NODE_ENV=development, and LOG_FORMAT still wins', () => {
    const schema = { log: logSchema() };
    expect(loadConfig(schema, { env: { NODE_ENV: 'development' }, argv: [] }).log.format).toBe(
      'pretty',
    );
    expect(loadConfig(schema, { env: { NODE_ENV: 'production' }, argv: [] }).log.format).toBe(
      'json',
    );
    expect(
      loadConfig(schema, { env: { NODE_ENV: 'development', LOG_FORMAT: 'json' }, argv: [] }).log
        .format,
    ).toBe('json');
    expect(
      loadConfig(
        { log: logSchema({ format: 'json' }) },
        { env: { NODE_ENV: 'development' }, argv: [] },
      ).log.format,
    ).toBe('json');
  });

  it('drain delay defaults to 5s under Kubernetes, 0 elsewhere', () => {
    const schema = { shutdown: shutdownSchema() };
    expect(
      loadConfig(schema, { env: { KUBERNETES_SERVICE_HOST: '10.0.0.1' }, argv: [] }).shutdown
        .drainDelay,
    ).toBe(5_000);
    expect(loadConfig(schema, { env: {}, argv: [] }).shutdown.drainDelay).toBe(0);
    expect(
      loadConfig(schema, {
        env: { KUBERNETES_SERVICE_HOST: '10.0.0.1', SHUTDOWN_DRAIN_DELAY: '2s' },
        argv: [],
      }).shutdown.drainDelay,
    ).toBe(2_000);
  });

  it('validate their values', () => {
    let caught: unknown;
    try {
      loadConfig(appSchema, {
        env: {
          REDIS_URL: 'http://r:6379',
          DATABASE_URL: 'postgres://db/x',
          SHUTDOWN_TIMEOUT: '-1s',
          SERVER_HOST: 'not a host',
        },
        argv: [],
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).problems.map((p) => p.key)).toEqual([
      'server.host',
      'redis.url',
      'shutdown.timeout',
    ]);
  });
});
