import { describe, expect, it } from 'vitest';
import { preparedStatementNames } from './prepared-statement-names.js';

describe('preparedStatementNames', () => {
  it('gives one text one name, in every instance, and different texts different names', () => {
    const names = preparedStatementNames('order_placement');
    const sql = 'insert into "orders" ("id") values (?)';
    const name = names.nameOf(sql);
    expect(name).toMatch(/^order_placement_[0-9a-f]{24}$/);
    expect(names.nameOf(sql)).toBe(name);
    expect(preparedStatementNames('order_placement').nameOf(sql)).toBe(name);
    expect(names.nameOf(`${sql} returning 1`)).not.toBe(name);
  });

  it('still names a text the same after many others went by', () => {
    const names = preparedStatementNames('q');
    const first = names.nameOf('select 0');
    for (let i = 1; i < 200; i++) names.nameOf(`select ${i}`);
    expect(names.nameOf('select 0')).toBe(first);
  });
});
