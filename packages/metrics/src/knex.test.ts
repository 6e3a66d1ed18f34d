import { describe, expect, it } from 'vitest';
import { operationName } from './knex.js';

describe('operationName', () => {
  it('maps builder methods and raw SQL to a bounded set', () => {
    expect(operationName({ method: 'first', sql: 'select * from t limit 1' })).toBe('select');
    expect(operationName({ method: 'del', sql: 'delete from t' })).toBe('delete');
    expect(operationName({ method: 'raw', sql: '  INSERT INTO t VALUES (1)' })).toBe('insert');
    expect(operationName({ method: 'raw', sql: 'BEGIN;' })).toBe('begin');
    expect(operationName({ method: 'raw', sql: "select 'x' where id = 42" })).toBe('select');
    expect(operationName({ method: 'raw', sql: 'frobnicate everything' })).toBe('other');
    expect(operationName({})).toBe('other');
  });
});
