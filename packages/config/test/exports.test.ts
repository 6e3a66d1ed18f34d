import { describe, expect, it } from 'vitest';

// The built package is what users import; the pretest script (or turbo's test task) builds first.
// Computed specifiers, so typecheck does not need dist/ to exist yet.
async function load(entry: string): Promise<Record<string, unknown>> {
  return (await import(new URL(`../dist/${entry}`, import.meta.url).href)) as Record<
    string,
    unknown
  >;
}

describe('the built package', () => {
  it('exports the loaders, the error classes and guard, and redaction from the root, and nothing else at run time', async () => {
    const root = await load('index.js');
    expect(Object.keys(root).sort()).toEqual([
      'ConfigError',
      'ConfigSchemaError',
      'EX_CONFIG',
      'defineSchema',
      'exitOnConfigError',
      'isConfigError',
      'loadConfig',
      'loadConfigOrExit',
      'maskUrlCredentials',
      'redactConfig',
    ]);
    const loadConfig = root.loadConfig as (schema: object, options: object) => unknown;
    let thrown: unknown;
    try {
      loadConfig({ port: { format: 'port', default: 3000 } }, { env: { PORT: 'x' }, argv: [] });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(root.ConfigError as new () => Error);
    expect((root.isConfigError as (error: unknown) => boolean)(thrown)).toBe(true);
  });

  it('exports the schema fragments and their rules from @shipshape/config/fragments', async () => {
    const fragments = await load('fragments/index.js');
    expect(Object.keys(fragments).sort()).toEqual([
      'ADMIN_SCHEMA_DEFAULTS',
      'DATABASE_SCHEMA_DEFAULTS',
      'LOG_SCHEMA_DEFAULTS',
      'REDIS_SCHEMA_DEFAULTS',
      'SERVER_SCHEMA_DEFAULTS',
      'SHUTDOWN_SCHEMA_DEFAULTS',
      'adminRules',
      'adminSchema',
      'databaseRules',
      'databaseSchema',
      'logSchema',
      'redisSchema',
      'serverRules',
      'serverSchema',
      'shutdownRules',
      'shutdownSchema',
    ]);
  });

  it('exports the describe and README-table tools from @shipshape/config/docs', async () => {
    const docs = await load('docs/index.js');
    expect(Object.keys(docs).sort()).toEqual([
      'CONFIG_TABLE_END',
      'CONFIG_TABLE_HEADER',
      'CONFIG_TABLE_START',
      'assertReadmeTable',
      'describeSchema',
      'diffReadmeTable',
      'envNameFor',
      'formatConfigProblems',
      'renderConfigTable',
      'replaceReadmeTable',
    ]);
  });

  it('exports the parsers and the loader constants from @shipshape/config/parse', async () => {
    const parse = await load('parse/index.js');
    expect(Object.keys(parse).sort()).toEqual([
      'CONFIG_FILE_VARIABLE',
      'FORBIDDEN_KEYS',
      'TIMER_MAX_MS',
      'parseBytes',
      'parseDuration',
    ]);
    expect((parse.parseDuration as (text: string) => number)('1m30s')).toBe(90_000);
  });
});
