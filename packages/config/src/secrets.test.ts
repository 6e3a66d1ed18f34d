import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { databaseSchema } from './fragments/database.js';
import { redisSchema } from './fragments/redis.js';
import { loadConfig } from './load-config.js';
import { maskUrlCredentials } from './redact.js';
import { redactConfig } from './redact-config.js';

const dir = mkdtempSync(join(tmpdir(), 'shipshape-secrets-'));
const SECRET = 'pw-7f3c9a-do-not-print';

const schema = {
  database: databaseSchema(),
  redis: redisSchema(),
  api: {
    token: { doc: 'Token.', format: 'string', default: '', sensitive: true },
    callback: {
      doc: 'Callback.',
      format: 'url',
      protocols: ['https:'],
      default: 'https://example.com/cb',
    },
  },
} as const;

function secretFile(content: string): string {
  const path = join(dir, `secret-${String(Math.random()).slice(2)}`);
  writeFileSync(path, content);
  return path;
}

function catchConfigError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('<NAME>_FILE secrets', () => {
  it('reads the value from the file named by <NAME>_FILE and trims the trailing newline', () => {
    const config = loadConfig(schema, {
      env: {
        DATABASE_URL_FILE: secretFile(`postgres://app:${SECRET}@db:5432/orders\n`),
        API_TOKEN_FILE: secretFile(`${SECRET}\r\n`),
      },
      argv: [],
    });
    expect(config.database.url).toBe(`postgres://app:${SECRET}@db:5432/orders`);
    expect(config.api.token).toBe(SECRET);
  });

  it('rejects setting both NAME and NAME_FILE', () => {
    const error = catchConfigError(() =>
      loadConfig(schema, {
        env: { API_TOKEN: SECRET, API_TOKEN_FILE: secretFile(SECRET) },
        argv: [],
      }),
    );
    expect(error.problems).toHaveLength(1);
    expect(error.message).toContain('both API_TOKEN and API_TOKEN_FILE are set');
    expect(error.message).not.toContain(SECRET);
  });

  it('names an unreadable secret file without guessing its content', () => {
    const error = catchConfigError(() =>
      loadConfig(schema, { env: { API_TOKEN_FILE: join(dir, 'missing') }, argv: [] }),
    );
    expect(error.problems[0]).toMatchObject({ key: 'api.token', env: 'API_TOKEN' });
    expect(error.message).toContain(`API_TOKEN_FILE points to '${join(dir, 'missing')}'`);
    expect(error.message).toContain('ENOENT');
  });

  it('validates a value read from a file and redacts it in the problem', () => {
    const error = catchConfigError(() =>
      loadConfig(schema, {
        env: { DATABASE_URL_FILE: secretFile(`mysql://app:${SECRET}@db/x\n`) },
        argv: [],
      }),
    );
    expect(error.problems[0]).toMatchObject({ key: 'database.url', received: '[REDACTED]' });
    expect(error.problems[0]?.source).toContain('env DATABASE_URL_FILE');
    expect(JSON.stringify(error.problems)).not.toContain(SECRET);
    expect(error.message).not.toContain(SECRET);
    expect(error.stack).not.toContain(SECRET);
  });
});

describe('redaction', () => {
  const config = loadConfig(schema, {
    env: {
      DATABASE_URL: `postgres://app:${SECRET}@db:5432/orders`,
      API_TOKEN: SECRET,
      API_CALLBACK: `https://user:${SECRET}@hooks.example.com/x`,
    },
    argv: [],
  });

  it('keeps real values on the object the application reads', () => {
    expect(config.api.token).toBe(SECRET);
    expect(config.database.url).toContain(SECRET);
  });

  it.each([
    ['JSON.stringify', () => JSON.stringify(config)],
    ['JSON.stringify of a section', () => JSON.stringify({ db: config.database })],
    // The loaded config's own toString redacts; the linter only sees the plain object type.
    // eslint-disable-next-line @typescript-eslint/no-base-to-string
    ['String()', () => String(config)],
    // eslint-disable-next-line @typescript-eslint/no-base-to-string
    ['toString of a section', () => config.api.toString()],
    ['util.inspect', () => inspect(config, { depth: 10 })],
    ['util.inspect of a section', () => inspect(config.database)],
    ['redactConfig', () => JSON.stringify(redactConfig(config))],
  ])('%s prints [REDACTED] and masks URL credentials', (_name, print) => {
    const text = print();
    expect(text).not.toContain(SECRET);
    expect(text).toContain('[REDACTED]');
  });

  it('redactConfig masks credentials of non-sensitive URLs but keeps the rest', () => {
    const dump = redactConfig(config) as {
      api: { callback: string; token: string };
      database: { url: string };
    };
    expect(dump.api.callback).toBe('https://user:[REDACTED]@hooks.example.com/x');
    expect(dump.api.token).toBe('[REDACTED]');
    expect(dump.database.url).toBe('[REDACTED]');
  });

  it('redactConfig redacts secret-looking keys of objects it did not load', () => {
    expect(
      redactConfig({ db: { password: SECRET, host: 'h', url: `redis://:${SECRET}@r:6379` } }),
    ).toEqual({
      db: { password: '[REDACTED]', host: 'h', url: 'redis://:[REDACTED]@r:6379' },
    });
  });

  it('masks user:password and token-only userinfo in any text', () => {
    expect(maskUrlCredentials('a postgres://u:p@h/db and https://tok@x.io ok')).toBe(
      'a postgres://u:[REDACTED]@h/db and https://[REDACTED]@x.io ok',
    );
    expect(maskUrlCredentials('http://plain.example/path@x')).toBe('http://plain.example/path@x');
  });

  it('redacts sensitive values from argv and masks URL credentials in non-sensitive problems', () => {
    const error = catchConfigError(() =>
      loadConfig(schema, {
        env: { API_CALLBACK: `ftp://user:${SECRET}@x` },
        argv: [`--database.url=mysql://u:${SECRET}@h`],
      }),
    );
    expect(error.problems).toHaveLength(2);
    expect(error.message).not.toContain(SECRET);
    expect(error.message).toContain('ftp://user:[REDACTED]@x');
  });

  it('scrubs a known secret pasted into a non-sensitive key from every problem', () => {
    const error = catchConfigError(() =>
      loadConfig(schema, {
        env: { DATABASE_URL: `postgres://app:${SECRET}@db/x`, DATABASE_POOL_MAX: SECRET },
        argv: [`--api.callback=${SECRET}`],
      }),
    );
    expect(error.problems.map((p) => p.key)).toEqual(['database.poolMax', 'api.callback']);
    expect(error.problems[0]?.received).toBe('"[REDACTED]"');
    expect(error.message).not.toContain(SECRET);
  });

  it('reports one problem per key when both NAME and NAME_FILE are set for a required key', () => {
    const required = {
      api: { key: { format: 'string', default: null, sensitive: true } },
    } as const;
    const error = catchConfigError(() =>
      loadConfig(required, {
        env: { API_KEY: SECRET, API_KEY_FILE: secretFile(SECRET) },
        argv: [],
      }),
    );
    expect(error.problems).toHaveLength(1);
  });

  it('names the protocol of a rejected sensitive URL but nothing else about it', () => {
    const wrong = catchConfigError(() =>
      loadConfig(schema, { env: { DATABASE_URL: `mysql://app:${SECRET}@db/x` }, argv: [] }),
    );
    expect(wrong.message).toContain(
      'received [REDACTED] (a URL with protocol mysql:) from env DATABASE_URL',
    );
    const pasted = catchConfigError(() =>
      loadConfig(schema, { env: { DATABASE_URL: `p4ss:${SECRET}` }, argv: [] }),
    );
    expect(pasted.message).toContain('received [REDACTED] (not a scheme:// URL)');
    expect(pasted.message).not.toContain('p4ss');
  });

  it('does not treat a declared variable named like a twin as a secret file', () => {
    const twins = {
      sqlite: { file: { format: 'string', default: 'a.sqlite', env: 'DATABASE_FILE' } },
      db: { name: { format: 'string', default: 'x', env: 'DATABASE' } },
    } as const;
    const config = loadConfig(twins, { env: { DATABASE_FILE: '/data/app.sqlite' }, argv: [] });
    expect(config.sqlite.file).toBe('/data/app.sqlite');
    expect(config.db.name).toBe('x');
  });
});
