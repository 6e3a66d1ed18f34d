import { describe, expect, it } from 'vitest';
import { describeSchema, renderConfigTable } from './describe-schema.js';
import { assertReadmeTable, diffReadmeTable, replaceReadmeTable } from './readme-table.js';
import { ConfigSchemaError } from './schema-error.js';

const schema = {
  server: { port: { doc: 'Port of the server.', format: 'port', default: 3000 } },
  db: {
    url: {
      doc: 'Database | URL.',
      format: 'url',
      protocols: ['postgres:'],
      default: '',
      sensitive: true,
      env: 'DATABASE_URL',
    },
    token: { format: 'string', default: null },
  },
} as const;

describe('describeSchema', () => {
  it('describes each key as a row', () => {
    expect(describeSchema(schema)).toEqual([
      {
        key: 'server.port',
        env: 'SERVER_PORT',
        default: '3000',
        format: 'port',
        sensitive: false,
        doc: 'Port of the server.',
      },
      {
        key: 'db.url',
        env: 'DATABASE_URL',
        default: '""',
        format: 'url (postgres:)',
        sensitive: true,
        doc: 'Database | URL.',
      },
      {
        key: 'db.token',
        env: 'DB_TOKEN',
        default: '(required)',
        format: 'string',
        sensitive: false,
        doc: '',
      },
    ]);
  });

  it('rejects an unknown format or an empty section', () => {
    expect(() => describeSchema({ a: { b: { format: 'email' as never, default: '' } } })).toThrow(
      ConfigSchemaError,
    );
    expect(() => describeSchema({ a: {} })).toThrow(/neither a value/);
  });
});

describe('renderConfigTable', () => {
  it('renders a markdown table with escaped pipes', () => {
    expect(renderConfigTable(schema)).toBe(
      [
        '| Key | Environment variable | Default | Format | Sensitive | Description |',
        '| --- | --- | --- | --- | --- | --- |',
        '| `server.port` | `SERVER_PORT` | `3000` | port |  | Port of the server. |',
        '| `db.url` | `DATABASE_URL` | `""` | url (postgres:) | yes | Database \\| URL. |',
        '| `db.token` | `DB_TOKEN` | `(required)` | string |  |  |',
        '',
      ].join('\n'),
    );
  });
});

describe('README table check', () => {
  const readme = `# app\n\n## Configuration\n\n<!-- config-table:start -->\n\n${renderConfigTable(schema)}\n<!-- config-table:end -->\n\n## License\n`;

  it('finds no difference when the README carries the rendered table', () => {
    expect(diffReadmeTable(readme, schema)).toEqual([]);
    expect(() => assertReadmeTable(readme, schema)).not.toThrow();
  });

  it('reports changed, missing and extra rows', () => {
    const drifted = readme
      .replace('`3000`', '`8080`')
      .replace(/^\| `db.token`.*\n/m, '')
      .replace('| `db.url`', '| `db.old` | `DB_OLD` | `x` | string |  | Gone. |\n| `db.url`');
    expect(diffReadmeTable(drifted, schema)).toEqual([
      'server.port: Default is "`8080`" in the README but "`3000`" in the schema',
      'db.token: missing from the README table',
      '`db.old`: documented in the README but not in the schema',
    ]);
    expect(() => assertReadmeTable(drifted, schema)).toThrow(
      /Replace the table with:[\s\S]*\| `db.token` \|/,
    );
  });

  it('finds an unmarked table by its header and reports a README without one', () => {
    expect(diffReadmeTable(`intro\n\n${renderConfigTable(schema)}`, schema)).toEqual([]);
    expect(diffReadmeTable('# nothing here', schema)[0]).toMatch(/no configuration table/);
  });

  it('replaceReadmeTable regenerates the table between the markers', () => {
    const stale = readme.replace('`3000`', '`1`');
    const fresh = replaceReadmeTable(stale, schema);
    expect(diffReadmeTable(fresh, schema)).toEqual([]);
    expect(fresh.endsWith('<!-- config-table:end -->\n\n## License\n')).toBe(true);
    expect(() => replaceReadmeTable('# none', schema)).toThrow(/markers/);
  });
});
