import { describe, expect, it } from 'vitest';
import { Redactor } from './redact.js';
import { Serializer } from './serialize.js';

function json(value: unknown, extra: string[] = []): unknown {
  const text = new Serializer(new Redactor(extra)).safeValue(value);
  return text === undefined ? undefined : JSON.parse(text);
}

describe('Serializer', () => {
  it('redacts deny-listed keys at any depth, case-insensitively and by suffix', () => {
    const out = json({
      Authorization: 'Bearer a1',
      nested: {
        deeper: [{ PASSWORD: 'p1', db_password: 'p2', newPassword: 'p3' }],
        'Set-Cookie': ['c=1'],
      },
      'x-api-key': 'k1',
      client_secret: 's1',
      csrf_token: 't1',
      token_count: 3,
      name: 'visible',
    });
    expect(out).toEqual({
      Authorization: '[REDACTED]',
      nested: {
        deeper: [{ PASSWORD: '[REDACTED]', db_password: '[REDACTED]', newPassword: '[REDACTED]' }],
        'Set-Cookie': '[REDACTED]',
      },
      'x-api-key': '[REDACTED]',
      client_secret: '[REDACTED]',
      csrf_token: '[REDACTED]',
      token_count: 3,
      name: 'visible',
    });
  });

  it('extends the deny-list with extra keys', () => {
    expect(json({ ssn: '123', card: { Card_Number: '4111' } }, ['ssn', 'card-number'])).toEqual({
      ssn: '[REDACTED]',
      card: { Card_Number: '[REDACTED]' },
    });
  });

  it('masks URL credentials and sensitive query parameters inside strings', () => {
    expect(json('postgres://app:s3cr3t@db:5432/x')).toBe('postgres://app:[REDACTED]@db:5432/x');
    expect(json('fetching https://ghp_tok@github.com/a.git')).toBe(
      'fetching https://[REDACTED]@github.com/a.git',
    );
    expect(json('/cb?code=1&access_token=abc&state=2')).toBe(
      '/cb?code=1&access_token=[REDACTED]&state=2',
    );
    expect(json('mail me at ops@example.com')).toBe('mail me at ops@example.com');
  });

  it('serialises errors with type, message, stack, extra properties and the cause chain', () => {
    const root = new RangeError('disk full');
    const error = Object.assign(new Error('write failed', { cause: root }), {
      code: 'E_WRITE',
      password: 'x',
    });
    const out = json(error) as Record<string, unknown>;
    expect(out).toMatchObject({
      type: 'Error',
      message: 'write failed',
      code: 'E_WRITE',
      password: '[REDACTED]',
    });
    expect(out.stack).toContain('write failed');
    expect(out.cause).toMatchObject({ type: 'RangeError', message: 'disk full' });
    const aggregate = json(new AggregateError([new Error('a')], 'many')) as Record<string, unknown>;
    expect(aggregate).toMatchObject({
      type: 'AggregateError',
      errors: [{ type: 'Error', message: 'a' }],
    });
  });

  it('is safe with circular structures, circular causes and deep nesting', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    a.list = [a];
    expect(json(a)).toEqual({ name: 'a', self: '[Circular]', list: ['[Circular]'] });
    const error = new Error('loop');
    error.cause = error;
    expect(json(error)).toMatchObject({ message: 'loop', cause: '[Circular]' });
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 20; i++) deep = { deep };
    expect(JSON.stringify(json(deep))).toContain('[Truncated]');
  });

  it('handles BigInt, Date, Map, Set, Buffer, toJSON, undefined, functions and non-finite numbers', () => {
    expect(
      json({
        big: 12n,
        at: new Date(0),
        bad: new Date(Number.NaN),
        map: new Map<string, unknown>([
          ['token', 'x'],
          ['k', 1],
        ]),
        set: new Set([1, 2]),
        buf: Buffer.from('abc'),
        custom: { toJSON: () => ({ secret: 's', ok: 1 }) },
        skip: undefined,
        fn: () => 1,
        inf: Number.POSITIVE_INFINITY,
        arr: [undefined, 1],
      }),
    ).toEqual({
      big: '12',
      at: '1970-01-01T00:00:00.000Z',
      bad: null,
      map: { token: '[REDACTED]', k: 1 },
      set: [1, 2],
      buf: { type: 'Buffer', length: 3 },
      custom: { secret: '[REDACTED]', ok: 1 },
      inf: 'Infinity',
      arr: [null, 1],
    });
  });

  it('turns a throwing getter into a note instead of throwing', () => {
    const hostile = {
      get boom(): string {
        throw new Error('getter exploded');
      },
    };
    expect(json(hostile)).toBe('[Unserializable: getter exploded]');
  });
});

describe('string quoting', () => {
  it('writes exactly what JSON.stringify writes, on both sides of the fast path', () => {
    const serializer = new Serializer(new Redactor());
    const samples = [
      '',
      'GET /v1/items/:id 200',
      'say "hi"',
      'back\\slash',
      'tab\there',
      'line\nbreak',
      '\u0000\u001f\u007f',
      'ünïcödé',
      '\ud800 lone surrogate',
      '😀 emoji',
      'x'.repeat(64),
      'x'.repeat(65) + '"',
    ];
    for (const sample of samples) {
      expect(serializer.string(sample), sample).toBe(JSON.stringify(sample));
      expect(JSON.parse(serializer.string(sample))).toBe(sample);
    }
  });
});
