import { describe, expect, it } from 'vitest';
import { isSecretKey, maskSecrets, REDACTED, SECRET_KEYS, secretKeyMatcher } from './redact.js';

describe('isSecretKey', () => {
  it.each([
    'password',
    'db_password',
    'newPassword',
    'PASSWORD',
    'passwd',
    'REDIS_PASS',
    'passphrase',
    'secret',
    'client_secret',
    'token',
    'csrf-token',
    'accessToken',
    'refresh_token',
    'jwt',
    'apiKey',
    'api_key',
    'X-Api-Key',
    'aws_secret_access_key',
    'authorization',
    'Proxy-Authorization',
    'basicAuth',
    'cookie',
    'Cookie',
    'set-cookie',
    'Set-Cookie',
    'private_key',
    'credentials',
    'session',
    'session_id',
  ])('%s is secret', (key) => {
    expect(isSecretKey(key)).toBe(true);
  });

  it.each(['token_count', 'author', 'host', 'port', 'user', 'keys', 'sessionTimeout', 'url'])(
    '%s is not',
    (key) => {
      expect(isSecretKey(key)).toBe(false);
    },
  );

  it('takes extra keys with the same rule', () => {
    const test = secretKeyMatcher(['otp']);
    expect(test('user_otp')).toBe(true);
    expect(test('password')).toBe(true);
    expect(isSecretKey('otp')).toBe(false);
    expect(SECRET_KEYS).toContain('password');
  });
});

describe('maskSecrets', () => {
  it.each([
    ['postgres://app:s3cret@db:5432/orders', `postgres://app:${REDACTED}@db:5432/orders`],
    ['redis://:pw@r:6379', `redis://:${REDACTED}@r:6379`],
    ['https://tok@x.io/a', `https://${REDACTED}@x.io/a`],
    ['postgres://app:p@ss@db/x', `postgres://app:${REDACTED}@db/x`],
    [
      'a postgres://u:p@h/db and https://tok@x.io ok',
      `a postgres://u:${REDACTED}@h/db and https://${REDACTED}@x.io ok`,
    ],
    ['http://plain.example/path@x', 'http://plain.example/path@x'],
    ['/v1/orders?access_token=abc&page=2', `/v1/orders?access_token=${REDACTED}&page=2`],
    ['/login?user=me&Pass%77ord=x', `/login?user=me&Pass%77ord=${REDACTED}`],
    ['/x?api+key=1', `/x?api+key=${REDACTED}`],
    ['no secrets here = fine', 'no secrets here = fine'],
  ])('%s → %s', (input, output) => {
    expect(maskSecrets(input)).toBe(output);
  });

  it('uses the key test it is given for query parameters', () => {
    expect(maskSecrets('/x?otp=1&a=2', secretKeyMatcher(['otp']))).toBe(`/x?otp=${REDACTED}&a=2`);
  });
});
