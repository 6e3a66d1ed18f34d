import { describe, expect, it } from 'vitest';
import { sanitizeDetails, sanitizeError, sanitizeText } from './sanitize.js';

describe('sanitizeError', () => {
  it('keeps the message and drops the stack', () => {
    const error = new Error('connect ECONNREFUSED 127.0.0.1:5432');
    expect(error.stack).toContain('\n    at ');
    expect(sanitizeError(error)).toBe('connect ECONNREFUSED 127.0.0.1:5432');
  });

  it('strips credentials, paths and queries from connection strings', () => {
    expect(sanitizeText('failed: redis://default:s3cret@cache:6379/0 refused')).toBe(
      'failed: redis://cache:6379 refused',
    );
    expect(sanitizeText('postgresql://u:p@db/app?sslmode=require&password=x')).toBe(
      'postgresql://db',
    );
    expect(sanitizeText('amqps://host:5671/vhost')).toBe('amqps://host:5671');
  });

  it('masks key=value secrets as found in libpq conninfo and headers', () => {
    expect(sanitizeText('host=db password=hunter2 user=app')).toBe(
      'host=db password=[REDACTED] user=app',
    );
    expect(sanitizeText("pwd='a b c'; token: abc123, api_key=zzz")).toBe(
      'pwd=[REDACTED]; token: [REDACTED], api_key=[REDACTED]',
    );
  });

  it('keeps only the first line and bounds the length', () => {
    expect(sanitizeText('first\n    at secret (/app/src/db.ts:10:5)')).toBe('first');
    const long = sanitizeText('x'.repeat(1000));
    expect(long.length).toBeLessThanOrEqual(301);
  });

  it('explains errors without a message: AggregateError, codes, non-errors', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED ::1:6379'), {
      code: 'ECONNREFUSED',
    });
    expect(sanitizeError(new AggregateError([refused], ''))).toBe('connect ECONNREFUSED ::1:6379');
    expect(sanitizeError(Object.assign(new Error(''), { code: 'ETIMEDOUT' }))).toBe('ETIMEDOUT');
    expect(sanitizeError('plain string with password=abc')).toBe(
      'plain string with password=[REDACTED]',
    );
    expect(sanitizeError({ weird: true })).toBe('check failed without an error message');
  });
});

describe('sanitizeDetails', () => {
  it('redacts secret-looking keys, cleans strings, drops functions and arrays', () => {
    expect(
      sanitizeDetails({
        url: 'redis://:pw@cache:6379',
        password: 'x',
        nested: { apiToken: 'y', count: 3, deep: { deeper: { deepest: 1 } } },
        fn: () => 1,
        list: [1, 2],
        ok: true,
      }),
    ).toEqual({
      url: 'redis://cache:6379',
      password: '[REDACTED]',
      nested: { apiToken: '[REDACTED]', count: 3, deep: {} },
      ok: true,
    });
  });
});
