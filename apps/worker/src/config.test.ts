import { exitOnConfigError, loadConfig } from '@shipshape/config';
import { createLogger } from '@shipshape/logger';
import { DEFAULTS, LOG_LEVEL_HANDLER_DEFAULTS } from '@shipshape/logger/defaults';
import { reportThroughExit } from '@shipshape/testkit';
import { describe, expect, it } from 'vitest';
import { workerRules, workerSchema } from './config.js';
import { DATABASE_DEFAULTS } from './database.js';
import { ORDER_WORKER_DEFAULTS } from './order-worker.js';
import { PROVIDER_DEFAULTS } from './provider.js';

const load = (env: Record<string, string> = {}) =>
  loadConfig(workerSchema, { env, argv: [], files: [] });

const loadWithRules = (env: Record<string, string>) =>
  loadConfig(workerSchema, { env, argv: [], files: [], rules: workerRules });

describe('worker configuration', () => {
  it('has the same defaults as the modules it configures (one source of truth per default)', () => {
    const config = load();
    expect(config.admin.port).toBe(9465);
    expect(config.queue).toEqual({
      name: ORDER_WORKER_DEFAULTS.queueName,
      prefix: ORDER_WORKER_DEFAULTS.prefix,
    });
    expect(config.worker.concurrency).toBe(ORDER_WORKER_DEFAULTS.concurrency);
    expect(config.worker.providerLatency).toBe(PROVIDER_DEFAULTS.latencyMs);
    expect(config.worker.lockDuration).toBe(ORDER_WORKER_DEFAULTS.lockDurationMs);
    expect(config.worker.stalledInterval).toBe(ORDER_WORKER_DEFAULTS.stalledIntervalMs);
    expect(config.worker.maxStalledCount).toBe(ORDER_WORKER_DEFAULTS.maxStalledCount);
    expect({
      age: config.worker.keepCompletedAge / 1000,
      count: config.worker.keepCompletedCount,
    }).toEqual(ORDER_WORKER_DEFAULTS.keepCompleted);
    expect({
      age: config.worker.keepFailedAge / 1000,
      count: config.worker.keepFailedCount,
    }).toEqual(ORDER_WORKER_DEFAULTS.keepFailed);
    expect(config.database.file).toBe(DATABASE_DEFAULTS.file);
    expect(config.database.url).toBe(DATABASE_DEFAULTS.url);
  });

  it('has no drain delay, even under Kubernetes (nothing routes traffic to a worker)', () => {
    expect(load({ KUBERNETES_SERVICE_HOST: '10.0.0.1' }).shutdown.drainDelay).toBe(0);
  });

  it('reads the contract env names', () => {
    const config = load({
      WORKER_CONCURRENCY: '12',
      WORKER_PROVIDER_LATENCY: '1.5s',
      WORKER_LOCK_DURATION: '45s',
      ADMIN_PORT: '9999',
      QUEUE_PREFIX: 'staging',
    });
    expect(config.worker).toMatchObject({
      concurrency: 12,
      providerLatency: 1500,
      lockDuration: 45_000,
    });
    expect(config.admin.port).toBe(9999);
    expect(config.queue.prefix).toBe('staging');
  });

  it('rejects a concurrency below 1', () => {
    expect(() => load({ WORKER_CONCURRENCY: '0' })).toThrow(/WORKER_CONCURRENCY/);
  });
});

describe('log-level change bounds (LOG_MAX_MODULE_LEVELS, LOG_LEVEL_CHANGE_EXPIRY, LOG_LEVEL_CHANGE_MAX_EXPIRY)', () => {
  it('default to what the logger uses without them (one source of truth per default)', () => {
    const { log } = loadWithRules({});
    expect(log.maxModuleLevels).toBe(DEFAULTS.maxModuleLevels);
    expect(log.levelChangeExpiry).toBe(LOG_LEVEL_HANDLER_DEFAULTS.defaultExpiresInMs);
    expect(log.levelChangeMaxExpiry).toBe(LOG_LEVEL_HANDLER_DEFAULTS.maxExpiresInMs);
  });

  it('are read from the environment, and refused out of range or contradicting each other', () => {
    expect(
      loadWithRules({
        LOG_MAX_MODULE_LEVELS: '100',
        LOG_LEVEL_CHANGE_EXPIRY: '1h',
        LOG_LEVEL_CHANGE_MAX_EXPIRY: '1h',
      }).log,
    ).toMatchObject({
      maxModuleLevels: 100,
      levelChangeExpiry: 3_600_000,
      levelChangeMaxExpiry: 3_600_000,
    });
    for (const [env, key] of [
      [{ LOG_MAX_MODULE_LEVELS: '0' }, 'log.maxModuleLevels'],
      [{ LOG_MAX_MODULE_LEVELS: '101' }, 'log.maxModuleLevels'],
      [{ LOG_LEVEL_CHANGE_EXPIRY: '0' }, 'log.levelChangeExpiry'],
      [{ LOG_LEVEL_CHANGE_MAX_EXPIRY: '25d' }, 'log.levelChangeMaxExpiry'],
      [
        { LOG_LEVEL_CHANGE_EXPIRY: '2h', LOG_LEVEL_CHANGE_MAX_EXPIRY: '1h' },
        'log.levelChangeExpiry',
      ],
    ] as const) {
      expect(() => loadWithRules(env), JSON.stringify(env)).toThrow(
        new RegExp(key.replace('.', '\\.')),
      );
    }
  });

  it('reports the logger’s own options check, should it ever fire, as a config error: one message, exit 78', () => {
    const { caught, codes, text, threw } = reportThroughExit(
      () => createLogger({ service: 'test', maxModuleLevels: -1 }),
      exitOnConfigError,
    );
    expect(caught).toMatchObject({ code: 'LOGGER_INVALID_OPTIONS' });
    expect(threw).toBe(true);
    expect(codes).toEqual([78]);
    expect(text).toMatch(
      /^Configuration is invalid \(1 problem\):\n {2}- createLogger: maxModuleLevels must be a whole number/,
    );
    expect(text).not.toContain('    at ');
  });
});
