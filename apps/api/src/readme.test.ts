import { readFileSync } from 'node:fs';
import { assertReadmeTable } from '@shipshape/config/docs';
import { ADMIN_SCHEMA_DEFAULTS } from '@shipshape/config/fragments';
import { TIMER_MAX_MS } from '@shipshape/config/parse';
import { describe, expect, it } from 'vitest';
import { schema } from './config.js';
import { ERROR_HANDLER_DEFAULTS } from './http/error-handler.js';
import {
  DEFAULT_PAGE_SIZE,
  DEFAULT_WAIT_MS,
  MAX_PAGE_SIZE,
  MAX_WAIT_MS,
} from './orders/validation.js';
import { SERVER_TIMEOUT_DEFAULTS } from './http/server.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('has the configuration table generated from the schema', () => {
    expect(() => assertReadmeTable(readme, schema)).not.toThrow();
  });

  it('fails the check when the table and the schema disagree', () => {
    const drifted = readme.replace(/(\| `server\.port` +\| `SERVER_PORT` +\| )`3000`/, '$1`8080`');
    expect(drifted).not.toBe(readme);
    expect(() => assertReadmeTable(drifted, schema)).toThrow(/server\.port/);
  });

  it('documents the defaults the code uses', () => {
    expect(readme).toContain(`Retry-After: ${ERROR_HANDLER_DEFAULTS.retryAfterSeconds}`);
    expect(readme).toContain(
      `default ${DEFAULT_WAIT_MS / 1000} s, at most ${MAX_WAIT_MS / 1000} s`,
    );
    expect(readme).toContain(`\`limit\` 1–${MAX_PAGE_SIZE}, default ${DEFAULT_PAGE_SIZE}`);
    expect(readme).toContain(
      `\`keepAliveTimeout\` ${SERVER_TIMEOUT_DEFAULTS.keepAliveTimeoutMs / 1000} s`,
    );
    expect(readme).toContain(
      `\`requestTimeout\` ${SERVER_TIMEOUT_DEFAULTS.requestTimeoutMs / 1000} s`,
    );
  });

  it('documents the admin bind address, the admin token and the timer limit the code uses', () => {
    const host = ADMIN_SCHEMA_DEFAULTS.host.replace(/\./g, '\\.');
    expect(readme).toMatch(new RegExp(`bound to loopback \\(\`ADMIN_HOST\`,\\s+\`${host}\`\\)`));
    const dockerfile = readFileSync(new URL('../../../docker/Dockerfile', import.meta.url), 'utf8');
    expect(dockerfile).toMatch(/^ENV (?:[^\n]*\\\n)*[^\n]*\bADMIN_HOST=0\.0\.0\.0$/m);
    expect(readme).toContain('the container image sets `ADMIN_HOST=0.0.0.0`');
    const minLength = /At least (\d+) characters/.exec(schema.admin.token.doc)?.[1];
    expect(readme).toMatch(new RegExp(`at least ${minLength ?? 'NaN'}\\s+characters, no spaces`));
    const days = Math.floor((TIMER_MAX_MS / 86_400_000) * 10) / 10;
    expect(readme).toMatch(new RegExp(`${String(days).replace('.', '\\.')} days`));
  });
});
