import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createDatabase } from './connection.js';
import { cachePreparedStatements } from './statement-cache.js';

const dir = mkdtempSync(join(tmpdir(), 'statement-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cachePreparedStatements', () => {
  it('prepares each SQL text once, drops the least recently used past its capacity', () => {
    const connection = new Database(':memory:');
    let prepared = 0;
    const prepare = connection.prepare.bind(connection);
    connection.prepare = (sql: string) => {
      prepared++;
      return prepare(sql);
    };
    cachePreparedStatements(connection, 2);
    const a = connection.prepare('select 1');
    expect(connection.prepare('select 1')).toBe(a);
    connection.prepare('select 2');
    connection.prepare('select 1'); // the most recently used again
    connection.prepare('select 3'); // evicts "select 2"
    expect(prepared).toBe(3);
    expect(connection.prepare('select 1')).toBe(a);
    connection.prepare('select 2');
    expect(prepared).toBe(4);
    connection.close();
  });

  it('is what the API does to its SQLite connection: repeated queries, errors and schema changes stay right', async () => {
    const { db } = createDatabase({ file: join(dir, 'cache.sqlite') });
    try {
      await db.schema.createTable('things', (table) => {
        table.string('id').primary();
      });
      const insert = (id: string) => db('things').insert({ id });
      await insert('a');
      await insert('b');
      await expect(insert('a')).rejects.toThrow(/UNIQUE constraint failed/);
      await insert('c'); // the statement that failed is used again
      expect(await db('things').select('*').orderBy('id')).toEqual([
        { id: 'a' },
        { id: 'b' },
        { id: 'c' },
      ]);
      await db.schema.alterTable('things', (table) => {
        table.string('colour').defaultTo('red');
      });
      expect(await db('things').select('*').orderBy('id').first()).toEqual({
        id: 'a',
        colour: 'red',
      });
    } finally {
      await db.destroy();
    }
  });
});
