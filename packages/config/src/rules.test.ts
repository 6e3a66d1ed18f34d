import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { adminRules, adminSchema } from './fragments/admin.js';
import { databaseRules, databaseSchema } from './fragments/database.js';
import { serverRules, serverSchema } from './fragments/server.js';
import { shutdownRules, shutdownSchema } from './fragments/shutdown.js';
import { loadConfig, type LoadConfigOptions } from './load-config.js';
import type { ConfigRule } from './rules.js';
import type { Config, SchemaSection } from './schema.js';
import { ConfigSchemaError } from './schema-error.js';

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const orders = {
  orders: {
    minItems: { doc: 'Fewest items.', format: 'nat', default: 1 },
    maxItems: { doc: 'Most items.', format: 'nat', default: 50 },
    partnerKey: { doc: 'Key.', format: 'string', default: 'none', sensitive: true },
  },
} as const;
type Orders = Config<typeof orders>;

const itemsRule: ConfigRule<Orders> = {
  keys: ['orders.minItems', 'orders.maxItems'],
  rule: 'orders.minItems must be at most orders.maxItems',
  check: (c) => c.orders.minItems <= c.orders.maxItems,
};

describe('rules', () => {
  it('hold: the config loads', () => {
    const config = loadConfig(orders, { env: {}, argv: [], rules: [itemsRule] });
    expect(config.orders.maxItems).toBe(50);
  });

  it('a broken rule is one more problem in the same error, naming the rule, every key and its source', () => {
    const error = errorOf(() =>
      loadConfig(
        { ...orders, server: serverSchema() },
        {
          env: { ORDERS_MIN_ITEMS: '60', SERVER_PORT: 'x' },
          argv: [],
          rules: [itemsRule],
        },
      ),
    );
    expect(error.problems.map((p) => p.key)).toEqual(['orders.minItems', 'server.port']);
    expect(error.problems[0]).toEqual({
      key: 'orders.minItems',
      env: 'ORDERS_MIN_ITEMS',
      format: 'rule',
      received: '60',
      source: 'env ORDERS_MIN_ITEMS',
      message:
        'orders.minItems must be at most orders.maxItems; received ORDERS_MIN_ITEMS=60 ' +
        '(env ORDERS_MIN_ITEMS) and ORDERS_MAX_ITEMS=50 (default). ' +
        'Change ORDERS_MIN_ITEMS or ORDERS_MAX_ITEMS.',
    });
    expect(error.message).toMatch(/^Configuration is invalid \(2 problems\):/);
  });

  it('are not checked when a key they read is already wrong (one mistake, one message)', () => {
    let called = false;
    const error = errorOf(() =>
      loadConfig(orders, {
        env: { ORDERS_MIN_ITEMS: 'many' },
        argv: [],
        rules: [
          {
            ...itemsRule,
            check: () => {
              called = true;
              return false;
            },
          },
        ],
      }),
    );
    expect(called).toBe(false);
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]?.format).toBe('nat');
  });

  it('never print a sensitive value', () => {
    const keyRule: ConfigRule<Orders> = {
      keys: ['orders.partnerKey', 'orders.maxItems'],
      rule: 'orders.partnerKey must be set when orders.maxItems is over 10',
      check: (c) => c.orders.maxItems <= 10 || c.orders.partnerKey !== 'none',
      fix: 'Set ORDERS_PARTNER_KEY_FILE.',
    };
    const error = errorOf(() =>
      loadConfig(orders, {
        env: { ORDERS_PARTNER_KEY: 'none' },
        argv: [],
        rules: [keyRule],
      }),
    );
    expect(error.problems[0]?.message).toBe(
      'orders.partnerKey must be set when orders.maxItems is over 10; received ' +
        'ORDERS_PARTNER_KEY=[REDACTED] (env ORDERS_PARTNER_KEY) and ORDERS_MAX_ITEMS=50 (default). ' +
        'Set ORDERS_PARTNER_KEY_FILE.',
    );
    expect(error.problems[0]?.received).toBe('[REDACTED]');
  });

  it('naming a key the schema lacks is a schema error', () => {
    const typo = { ...itemsRule, keys: ['orders.maxItem'] } as unknown as ConfigRule<Orders>;
    expect(() => loadConfig(orders, { env: {}, argv: [], rules: [typo] })).toThrow(
      ConfigSchemaError,
    );
  });
});

function messages<S extends SchemaSection>(
  schema: S,
  env: Record<string, string>,
  rules: LoadConfigOptions<Config<S>>['rules'],
): string[] {
  try {
    loadConfig(schema, { env, argv: [], ...(rules === undefined ? {} : { rules }) });
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => p.message);
    throw error;
  }
}

describe('fragment rules', () => {
  it('shutdown: drain delay < timeout < grace period, wherever the section is mounted', () => {
    const schema = { stop: shutdownSchema() };
    const rules = shutdownRules('stop');
    expect(messages(schema, {}, rules)).toEqual([]);
    expect(messages(schema, { SHUTDOWN_DRAIN_DELAY: '25s' }, rules)).toEqual([
      'stop.drainDelay must be smaller than stop.timeout, or no time is left to close anything; ' +
        'received SHUTDOWN_DRAIN_DELAY=25s (env SHUTDOWN_DRAIN_DELAY) and SHUTDOWN_TIMEOUT=25s ' +
        '(default). Change SHUTDOWN_DRAIN_DELAY or SHUTDOWN_TIMEOUT.',
    ]);
    expect(messages(schema, { SHUTDOWN_TIMEOUT: '30s' }, rules)).toEqual([
      'stop.timeout must be smaller than stop.gracePeriod, or the platform kills the process ' +
        'before its shutdown ends; received SHUTDOWN_TIMEOUT=30s (env SHUTDOWN_TIMEOUT) and ' +
        'SHUTDOWN_GRACE_PERIOD=30s (default). Change SHUTDOWN_TIMEOUT or SHUTDOWN_GRACE_PERIOD.',
    ]);
    expect(
      messages(schema, { SHUTDOWN_TIMEOUT: '50s', SHUTDOWN_GRACE_PERIOD: '60s' }, rules),
    ).toEqual([]);
    expect(messages(schema, { SHUTDOWN_TIMEOUT: '0' }, rules)).toEqual([
      expect.stringMatching(/^stop\.timeout: expected a duration .*, from 1ms to 2147483647ms/),
    ]);
  });

  it('database: pool min ≤ max, max ≥ 1, acquire timeout > 0', () => {
    const schema = { database: databaseSchema() };
    const rules = databaseRules();
    expect(messages(schema, { DATABASE_POOL_MIN: '10' }, rules)).toEqual([]);
    expect(messages(schema, { DATABASE_POOL_MIN: '11' }, rules)).toEqual([
      'database.poolMin must be at most database.poolMax; received DATABASE_POOL_MIN=11 ' +
        '(env DATABASE_POOL_MIN) and DATABASE_POOL_MAX=10 (default). ' +
        'Change DATABASE_POOL_MIN or DATABASE_POOL_MAX.',
    ]);
    expect(messages(schema, { DATABASE_POOL_MAX: '0' }, rules)).toEqual([
      expect.stringMatching(/^database\.poolMax: expected a non-negative integer, at least 1,/),
    ]);
    expect(messages(schema, { DATABASE_ACQUIRE_TIMEOUT: '0s' }, rules)).toEqual([
      expect.stringMatching(/^database\.acquireTimeout: .*from 1ms to/),
    ]);
  });

  it('server: headers timeout ≤ request timeout, every timeout > 0', () => {
    const schema = { server: serverSchema() };
    const rules = serverRules();
    expect(messages(schema, { SERVER_HEADERS_TIMEOUT: '30s' }, rules)).toEqual([]);
    expect(messages(schema, { SERVER_HEADERS_TIMEOUT: '31s' }, rules)).toEqual([
      'server.headersTimeout must be at most server.requestTimeout (node:http refuses a longer ' +
        'headers timeout); received SERVER_HEADERS_TIMEOUT=31s (env SERVER_HEADERS_TIMEOUT) and ' +
        'SERVER_REQUEST_TIMEOUT=30s (default). Change SERVER_HEADERS_TIMEOUT or SERVER_REQUEST_TIMEOUT.',
    ]);
    expect(messages(schema, { SERVER_KEEP_ALIVE_TIMEOUT: '0' }, rules)).toHaveLength(1);
  });

  it('admin: a token is empty or at least 16 characters without spaces, and never printed', () => {
    const schema = { admin: adminSchema() };
    const rules = adminRules();
    expect(messages(schema, {}, rules)).toEqual([]);
    expect(messages(schema, { ADMIN_TOKEN: 'a'.repeat(16) }, rules)).toEqual([]);
    for (const token of ['short-secret', 'sixteen chars with spaces']) {
      const found = messages(schema, { ADMIN_TOKEN: token }, rules);
      expect(found).toEqual([
        'admin.token must be empty or at least 16 characters without spaces; received ' +
          'ADMIN_TOKEN=[REDACTED] (env ADMIN_TOKEN). Generate one with `openssl rand -hex 32` ' +
          'and mount it as ADMIN_TOKEN_FILE.',
      ]);
    }
  });
});
