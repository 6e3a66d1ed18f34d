import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NETWORK_NAMESPACE_DEFAULTS } from './network-namespace.js';
import { NODE_PROCESS_DEFAULTS } from './node-process.js';
import { POSTGRES_LOOKUP_DEFAULTS } from './postgres-binaries.js';
import { POSTGRES_CLUSTER_DEFAULTS } from './postgres-cluster.js';
import { REDIS_SERVER_DEFAULTS } from './redis-server.js';
import { TEST_DATABASE_DEFAULTS } from './test-database.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The `| option | default |` rows of the table under the given API heading. */
function documentedDefaults(heading: string): Record<string, string> {
  const start = readme.indexOf(`### \`${heading}`);
  const end = readme.indexOf('\n#', start + 1);
  const section = readme.slice(start, end === -1 ? undefined : end);
  const rows: Record<string, string> = {};
  for (const match of section.matchAll(/^\| `(\w+)`\s*\| (.+?)\s*\|$/gm)) {
    const [, name, value] = match;
    if (name !== undefined && value !== undefined) rows[name] = value;
  }
  return rows;
}

const literal = (value: string | number): string =>
  typeof value === 'string' ? `\`'${value}'\`` : `\`${String(value)}\``;

describe('README documents the real defaults', () => {
  it.each([
    ['startRedisServer', REDIS_SERVER_DEFAULTS],
    ['spawnNode', NODE_PROCESS_DEFAULTS],
    ['createNetworkNamespace', NETWORK_NAMESPACE_DEFAULTS],
  ] as const)('%s', (heading, defaults) => {
    const expected = Object.fromEntries(
      Object.entries(defaults).map(([key, value]) => [key, literal(value)]),
    );
    expect(documentedDefaults(heading)).toEqual(expected);
  });

  it('startPostgresCluster (binDir is looked up, never a fixed path)', () => {
    expect(documentedDefaults('startPostgresCluster')).toEqual({
      binDir: 'found by `findPostgresBinDir()`',
      commandTimeoutMs: literal(POSTGRES_CLUSTER_DEFAULTS.commandTimeoutMs),
    });
  });

  it('findPostgresBinDir', () => {
    expect(documentedDefaults('findPostgresBinDir')).toEqual({
      path: '`process.env.PATH`',
      versionsDir: literal(POSTGRES_LOOKUP_DEFAULTS.versionsDir),
    });
  });

  it('createTestDatabase', () => {
    expect(documentedDefaults('createTestDatabase')).toEqual({
      adminUrl: `\`TEST_DATABASE_URL\`, else ${literal(TEST_DATABASE_DEFAULTS.adminUrl)}`,
      prefix: literal(TEST_DATABASE_DEFAULTS.prefix),
    });
  });
});
