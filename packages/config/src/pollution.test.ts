import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { loadConfig } from './load-config.js';
import { ConfigSchemaError } from './schema-error.js';

const dir = mkdtempSync(join(tmpdir(), 'shipshape-pollution-'));
const schema = {
  server: { port: { format: 'port', default: 3000 } },
  features: { flags: { format: 'object', default: {} } },
} as const;

function polluted(): boolean {
  const probe: Record<string, unknown> = {};
  return (
    'polluted' in probe ||
    'polluted' in Object.prototype ||
    Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')
  );
}

function expectRejected(fn: () => unknown, expectedProblems: number): ConfigError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ConfigError);
  const error = caught as ConfigError;
  expect(error.problems).toHaveLength(expectedProblems);
  for (const problem of error.problems) expect(problem.message).toContain('prototype pollution');
  expect(polluted()).toBe(false);
  return error;
}

afterEach(() => {
  delete (Object.prototype as Record<string, unknown>)['polluted'];
});

describe('prototype pollution', () => {
  it('the probe detects pollution (control)', () => {
    (Object.prototype as Record<string, unknown>)['polluted'] = 'yes';
    expect(polluted()).toBe(true);
  });

  it('rejects __proto__, constructor and prototype keys in files', () => {
    const file = join(dir, 'evil.json');
    writeFileSync(
      file,
      '{"__proto__": {"polluted": "yes"}, "server": {"constructor": {"prototype": {"polluted": "yes"}}}, ' +
        '"features": {"flags": {"__proto__": {"polluted": "yes"}}}, "prototype": {"polluted": "yes"}}',
    );
    const error = expectRejected(() => loadConfig(schema, { files: [file], env: {}, argv: [] }), 4);
    expect(error.message).toContain("'__proto__'");
    expect(error.message).toContain("'server.constructor'");
    expect(error.message).toContain("'prototype'");
  });

  it('rejects forbidden keys inside JSON values from the environment and ignores env objects with a __proto__ key', () => {
    const env = JSON.parse(
      '{"__proto__": {"polluted": "yes"}, "FEATURES_FLAGS": "{\\"__proto__\\": {\\"polluted\\": \\"yes\\"}}"}',
    ) as Record<string, string>;
    expectRejected(() => loadConfig(schema, { env, argv: [] }), 1);
    const viaFile = join(dir, 'flags.json');
    writeFileSync(viaFile, '{"constructor": {"prototype": {"polluted": "yes"}}}');
    expectRejected(
      () => loadConfig(schema, { env: { FEATURES_FLAGS_FILE: viaFile }, argv: [] }),
      1,
    );
  });

  it('cannot be reached through environment variable names', () => {
    const env = {
      '__proto__.polluted': 'yes',
      SERVER___PROTO___POLLUTED: 'yes',
      CONSTRUCTOR_PROTOTYPE_POLLUTED: 'yes',
    };
    const config = loadConfig(schema, { env, argv: [] });
    expect(config.server.port).toBe(3000);
    expect(polluted()).toBe(false);
  });

  it('rejects forbidden keys in arguments', () => {
    expectRejected(
      () =>
        loadConfig(schema, {
          env: {},
          argv: [
            '--__proto__.polluted=yes',
            '--constructor.prototype.polluted=yes',
            '--server.__proto__.polluted=yes',
            '--features.flags={"__proto__":{"polluted":"yes"}}',
          ],
        }),
      4,
    );
  });

  it('rejects reserved names in the schema itself', () => {
    expect(() =>
      loadConfig(JSON.parse('{"__proto__": {"x": {"default": 1}}}') as never, {
        env: {},
        argv: [],
      }),
    ).toThrow(ConfigSchemaError);
    expect(() => loadConfig({ a: { prototype: { default: 1 } } }, { env: {}, argv: [] })).toThrow(
      /reserved name 'prototype'/,
    );
    expect(polluted()).toBe(false);
  });
});
