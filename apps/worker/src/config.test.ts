import { loadConfig } from '@shipshape/config';
import { describe, expect, it } from 'vitest';
import { workerSchema } from './config.js';
import { DATABASE_DEFAULTS } from './database.js';
import { ORDER_WORKER_DEFAULTS } from './order-worker.js';
import { PROVIDER_DEFAULTS } from './provider.js';

const load = (env: Record<string, string> = {}) =>
  loadConfig(workerSchema, { env, argv: [], files: [] });

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
