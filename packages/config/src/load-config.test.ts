import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { adminSchema } from './fragments/admin.js';
import { logSchema } from './fragments/log.js';
import { serverSchema } from './fragments/server.js';
import { loadConfig } from './load-config.js';
import type { LogLevel } from './schema.js';

const dir = mkdtempSync(join(tmpdir(), 'shipshape-config-'));
let fileCount = 0;
function jsonFile(content: unknown): string {
  const path = join(dir, `config-${++fileCount}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

function problemsOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const schema = {
  server: { port: { doc: 'Port.', format: 'port', default: 3000 } },
  app: {
    name: { doc: 'Name.', format: 'string', default: 'orders' },
    retries: { doc: 'Retries.', format: 'nat', default: 3 },
    enabled: { doc: 'On.', format: 'boolean', default: true },
    mode: { doc: 'Mode.', format: ['fast', 'safe'], default: 'safe' },
  },
} as const;

describe('loadConfig sources and precedence', () => {
  it('returns schema defaults when no source sets anything', () => {
    const config = loadConfig(schema, { env: {}, argv: [] });
    expect(config).toEqual({
      server: { port: 3000 },
      app: { name: 'orders', retries: 3, enabled: true, mode: 'safe' },
    });
  });

  it('applies defaults < files < env < argv, each layer overriding only what it sets', () => {
    const file = jsonFile({
      server: { port: 4000 },
      app: { name: 'from-file', retries: 5, mode: 'fast' },
    });
    const config = loadConfig(schema, {
      files: [file],
      env: { SERVER_PORT: '5000', APP_NAME: 'from-env' },
      argv: ['--server.port=6000'],
    });
    expect(config.server.port).toBe(6000); // argv beats env, file and default
    expect(config.app.name).toBe('from-env'); // env beats file
    expect(config.app.retries).toBe(5); // file beats default
    expect(config.app.mode).toBe('fast');
    expect(config.app.enabled).toBe(true); // default
  });

  it('lets env beat files and files beat defaults for the same key', () => {
    const file = jsonFile({ server: { port: 4000 } });
    expect(loadConfig(schema, { files: [file], env: {}, argv: [] }).server.port).toBe(4000);
    expect(
      loadConfig(schema, { files: [file], env: { SERVER_PORT: '5000' }, argv: [] }).server.port,
    ).toBe(5000);
  });

  it('reads files named by CONFIG_FILE (comma-separated, later wins) when no files option is given', () => {
    const first = jsonFile({ server: { port: 4000 }, app: { name: 'first' } });
    const second = jsonFile({ server: { port: 4001 } });
    const config = loadConfig(schema, { env: { CONFIG_FILE: `${first}, ${second}` }, argv: [] });
    expect(config.server.port).toBe(4001);
    expect(config.app.name).toBe('first');
  });

  it('prefers the files option over CONFIG_FILE', () => {
    const fromEnv = jsonFile({ server: { port: 4000 } });
    const fromOption = jsonFile({ server: { port: 4500 } });
    const config = loadConfig(schema, {
      files: [fromOption],
      env: { CONFIG_FILE: fromEnv },
      argv: [],
    });
    expect(config.server.port).toBe(4500);
  });

  it('reads --key value and bare --flag arguments, and stops at --', () => {
    const config = loadConfig(schema, {
      env: { APP_ENABLED: 'false' },
      argv: ['positional', '--app.name', 'from-argv', '--app.enabled', '--', '--server.port=1'],
    });
    expect(config.app.name).toBe('from-argv');
    expect(config.app.enabled).toBe(true);
    expect(config.server.port).toBe(3000);
  });

  it('leaves arguments that are not about the schema to the application', () => {
    const config = loadConfig(schema, {
      env: {},
      argv: ['--reporter=json', '--watch', 'run', '-v'],
    });
    expect(config.server.port).toBe(3000);
    let caught: unknown;
    try {
      loadConfig(schema, { env: {}, argv: ['--server.host=x', '--app.nmae=y', '--serverport=1'] });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).problems.map((p) => p.key)).toEqual([
      '--server.host',
      '--app.nmae',
      '--serverport',
    ]);
  });

  it('returns a deep-frozen plain object', () => {
    const config = loadConfig(schema, { env: {}, argv: [] });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.server)).toBe(true);
    expect(Object.getPrototypeOf(config)).toBe(Object.prototype);
    expect(Object.keys(config)).toEqual(['server', 'app']);
    expect(() => {
      (config.server as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it('infers the config type from the schema', () => {
    const config = loadConfig(
      {
        server: serverSchema(),
        admin: adminSchema({ port: 9465 }),
        log: logSchema(),
        extra: {
          ratio: { format: 'ratio', default: 0.5 },
          tags: { format: 'array', default: ['a'] },
          optional: { format: 'url', default: null, nullable: true },
          plain: { default: 'x' },
        },
      },
      { env: {}, argv: [] },
    );
    expectTypeOf(config.server.port).toEqualTypeOf<number>();
    expectTypeOf(config.server.host).toEqualTypeOf<string>();
    expectTypeOf(config.server.requestTimeout).toEqualTypeOf<number>();
    expectTypeOf(config.admin.port).toEqualTypeOf<number>();
    expectTypeOf(config.log.level).toEqualTypeOf<LogLevel>();
    expectTypeOf(config.log.format).toEqualTypeOf<'json' | 'pretty'>();
    expectTypeOf(config.extra.ratio).toEqualTypeOf<number>();
    expectTypeOf(config.extra.tags).toEqualTypeOf<readonly string[]>();
    expectTypeOf(config.extra.optional).toEqualTypeOf<string | null>();
    expectTypeOf(config.extra.plain).toEqualTypeOf<string>();
    expectTypeOf(config.server).toEqualTypeOf<{
      readonly host: string;
      readonly port: number;
      readonly requestTimeout: number;
      readonly headersTimeout: number;
      readonly keepAliveTimeout: number;
      readonly bodyLimit: number;
    }>();
    expect(config.admin.port).toBe(9465);
    expect(config.extra.optional).toBeNull();
  });
});

describe('loadConfig validation', () => {
  it('collects several bad keys from every source into one ConfigError', () => {
    const file = jsonFile({ server: { prot: 1 }, app: { retries: -1 } });
    const error = problemsOf(() =>
      loadConfig(schema, {
        files: [file],
        env: { SERVER_PORT: '70000', APP_MODE: 'turbo' },
        argv: ['--app.enabled=maybe', '--app.nmae=x'],
      }),
    );
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.problems.map((p) => p.key).sort()).toEqual(
      ['--app.nmae', 'app.enabled', 'app.mode', 'app.retries', 'server.port', file].sort(),
    );
    for (const fragment of [
      'server.port',
      '70000',
      'SERVER_PORT',
      'app.mode',
      '"turbo"',
      'app.retries',
      "'server.prot'",
      '--app.nmae',
      "did you mean 'app.name'",
      'maybe',
    ]) {
      expect(error.message).toContain(fragment);
    }
    const port = error.problems.find((p) => p.key === 'server.port');
    expect(port).toMatchObject({
      env: 'SERVER_PORT',
      format: 'port',
      received: '70000',
      source: 'env SERVER_PORT',
    });
  });

  it('reports a problem only for the value that wins: a bad file value overridden by env is fine', () => {
    const file = jsonFile({ server: { port: 'not-a-port' } });
    const config = loadConfig(schema, { files: [file], env: { SERVER_PORT: '8080' }, argv: [] });
    expect(config.server.port).toBe(8080);
  });

  it('rejects unknown keys in files (strict) and sections given as values', () => {
    const file = jsonFile({ server: 8080, extra: true });
    const error = problemsOf(() => loadConfig(schema, { files: [file], env: {}, argv: [] }));
    expect(error.problems).toHaveLength(2);
    expect(error.message).toContain("'server' is a section and must be a JSON object");
    expect(error.message).toContain("unknown key 'extra'");
  });

  it('reports a missing or malformed file without quoting its content', () => {
    const bad = jsonFile('{"server": {"port": hunter2-secret}}');
    const error = problemsOf(() =>
      loadConfig(schema, { files: [join(dir, 'absent.json'), bad], env: {}, argv: [] }),
    );
    expect(error.message).toContain('absent.json cannot be read (ENOENT)');
    expect(error.message).toContain(`config file ${bad} is not valid JSON`);
    expect(error.message).not.toContain('hunter2');
  });

  it('treats an empty file as no settings', () => {
    expect(loadConfig(schema, { files: [jsonFile('  \n')], env: {}, argv: [] }).server.port).toBe(
      3000,
    );
  });

  it('requires a key whose default is null and accepts null only when nullable', () => {
    const required = {
      api: { token: { format: 'string', default: null, sensitive: true } },
    } as const;
    const error = problemsOf(() => loadConfig(required, { env: {}, argv: [] }));
    expect(error.problems[0]).toMatchObject({
      key: 'api.token',
      env: 'API_TOKEN',
      received: undefined,
    });
    expect(error.message).toContain('api.token is required: set API_TOKEN (or API_TOKEN_FILE');
    expect(loadConfig(required, { env: { API_TOKEN: 't' }, argv: [] }).api.token).toBe('t');
  });

  it('coerces text defaults and values by format', () => {
    const config = loadConfig(
      {
        t: {
          wait: { format: 'duration', default: '1m30s' },
          size: { format: 'bytes', default: '1mb' },
          list: { format: 'array', default: [] as string[] },
          obj: { format: 'object', default: {} },
        },
      },
      { env: { T_LIST: 'a,b', T_OBJ: '{"x":1}' }, argv: [] },
    );
    expect(config.t).toEqual({ wait: 90_000, size: 1_048_576, list: ['a', 'b'], obj: { x: 1 } });
  });

  it('rejects an invalid default with its source named', () => {
    const error = problemsOf(() =>
      loadConfig({ s: { port: { format: 'port', default: 99999 } } }, { env: {}, argv: [] }),
    );
    expect(error.problems[0]).toMatchObject({
      key: 's.port',
      source: 'default',
      received: '99999',
    });
  });
});

describe('problem order', () => {
  it('lists key problems in schema order whatever source they came from, then file and argument problems', () => {
    const file = join(dir, 'order.json');
    writeFileSync(file, JSON.stringify({ app: { mode: 'turbo' }, extra: 1 }));
    let caught: unknown;
    try {
      loadConfig(schema, { files: [file], env: { APP_RETRIES: 'x' }, argv: ['--server.port=abc'] });
    } catch (error) {
      caught = error;
    }
    expect((caught as ConfigError).problems.map((p) => p.key)).toEqual([
      'server.port',
      'app.retries',
      'app.mode',
      file,
    ]);
  });
});
