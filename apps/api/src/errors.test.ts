import { describe, expect, it } from 'vitest';
import { DependencyUnavailableError, isDatabaseConnectionError, withDatabase } from './errors.js';

const coded = (code: string, message = 'x'): Error => Object.assign(new Error(message), { code });

describe('isDatabaseConnectionError', () => {
  it('recognises network errors, connection SQLSTATEs, pool timeouts and wrapped causes', () => {
    const unavailable = [
      coded('ECONNREFUSED'),
      coded('57P01', 'terminating connection due to administrator command'),
      coded('08006'),
      coded('3D000', 'database "orders" does not exist'),
      coded('57P03', 'the database system is starting up'),
      coded('SQLITE_BUSY'),
      Object.assign(new Error('Knex: Timeout acquiring a connection. The pool is probably full.'), {
        name: 'KnexTimeoutError',
      }),
      new Error('Connection terminated unexpectedly'),
      new Error('outer', { cause: coded('ECONNRESET') }),
      new AggregateError([coded('ECONNREFUSED')], 'connect failed'),
    ];
    for (const error of unavailable)
      expect(isDatabaseConnectionError(error), error.message).toBe(true);
  });

  it('leaves query and constraint errors alone (they are bugs or conflicts, not outages)', () => {
    for (const error of [
      coded('42601', 'syntax error'),
      coded('23505'),
      coded('SQLITE_CONSTRAINT_UNIQUE'),
      new Error('boom'),
      'text',
    ]) {
      expect(isDatabaseConnectionError(error)).toBe(false);
    }
  });

  it('withDatabase turns outages into DependencyUnavailableError and passes other errors through', async () => {
    const outage = withDatabase('reading an order', () => Promise.reject(coded('ECONNREFUSED')));
    await expect(outage).rejects.toBeInstanceOf(DependencyUnavailableError);
    await expect(outage).rejects.toMatchObject({
      code: 'DEPENDENCY_UNAVAILABLE',
      dependency: 'database',
    });
    const bug = coded('42601');
    await expect(withDatabase('x', () => Promise.reject(bug))).rejects.toBe(bug);
  });
});
