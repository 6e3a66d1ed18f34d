import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { defineSchema } from './define-schema.js';
import { EX_CONFIG } from './exit-on-config-error.js';
import { TIMER_MAX_MS } from './bounds.js';
import { ADMIN_TOKEN_MIN_LENGTH, adminSchema } from './fragments/admin.js';
import { databaseRules, databaseSchema } from './fragments/database.js';
import { logSchema } from './fragments/log.js';
import { redisSchema } from './fragments/redis.js';
import { serverSchema } from './fragments/server.js';
import { shutdownSchema } from './fragments/shutdown.js';
import { CONFIG_FILE_VARIABLE, loadConfig } from './load-config.js';
import { assertReadmeTable } from './readme-table.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('documents every fragment key with its env name, default and format', () => {
    assertReadmeTable(readme, {
      server: serverSchema(),
      admin: adminSchema(),
      log: logSchema(),
      database: databaseSchema(),
      redis: redisSchema(),
      shutdown: shutdownSchema(),
    });
  });

  it('documents the loadConfig defaults and the exit code the code uses', () => {
    expect(readme).toContain('- `env` — environment variables. Default: `process.env`.');
    expect(readme).toContain(
      '- `argv` — command-line arguments. Default: `process.argv.slice(2)`.',
    );
    expect(readme).toContain(`Default: the comma-separated paths in \`${CONFIG_FILE_VARIABLE}\``);
    expect(readme).toContain(`calls \`exit(${EX_CONFIG})\``);
    expect(readme).toContain(`Exiting with code ${EX_CONFIG} (EX_CONFIG).`);
    expect(readme).toContain(`at most \`TIMER_MAX_MS\` = ${TIMER_MAX_MS} ms`);
    expect(readme).toContain(`\`token\` empty or at least ${ADMIN_TOKEN_MIN_LENGTH} characters`);
  });

  it('shows the error text the example really produces', () => {
    const schema = defineSchema({
      server: serverSchema(),
      admin: adminSchema({ port: 9465 }),
      log: logSchema(),
      database: databaseSchema(),
      orders: {
        minItems: { doc: 'Fewest line items per order.', format: 'nat', min: 1, default: 1 },
        maxItems: { doc: 'Most line items per order.', format: 'nat', default: 50 },
        apiKey: { doc: 'Partner API key.', format: 'string', default: null, sensitive: true },
      },
    });
    let message = '';
    try {
      loadConfig(schema, {
        env: {
          SERVER_PORT: '80a',
          DATABASE_URL: 'mysql://app:pw@db/orders',
          DATABASE_POOL_MIN: '20',
        },
        argv: [],
        rules: databaseRules(),
      });
    } catch (error) {
      if (error instanceof ConfigError) message = error.message;
    }
    expect(message).not.toBe('');
    expect(readme).toContain(message);
  });
});

describe('README example', () => {
  it('is the type-checked file test/fixtures/readme-example.ts', () => {
    const example = /```ts\n(\/\/ src\/config\.ts\n[\s\S]*?)```/.exec(readme)?.[1];
    const fixture = readFileSync(
      new URL('../test/fixtures/readme-example.ts', import.meta.url),
      'utf8',
    );
    const checked = fixture
      .split('// --- type checks below')[0]
      ?.replace("from '../../src/index.js';", "from '@shipshape/config';")
      .replace("from '../../src/fragments/index.js';", "from '@shipshape/config/fragments';");
    expect(example).toBeDefined();
    expect(checked).toBe(example);
  });
});
