// The conformance table of secret shapes: every way a secret reaches an output, and what the
// output must show instead. Config dumps and log lines are both held to it (redaction.test.ts).
// Every secret value contains SECRET, so a test can also look for any that slipped through.

export interface SecretShape {
  readonly shape: string;
  readonly input: Readonly<Record<string, unknown>>;
  readonly redacted: Readonly<Record<string, unknown>>;
}

const R = '[REDACTED]';

export const SECRET_SHAPES: readonly SecretShape[] = [
  {
    shape: 'URL credentials: user and password',
    input: { url: 'postgres://app:pw-SECRET@db:5432/orders' },
    redacted: { url: `postgres://app:${R}@db:5432/orders` },
  },
  {
    shape: 'URL credentials: a token alone',
    input: { webhook: 'https://tok-SECRET@hooks.example.com/x' },
    redacted: { webhook: `https://${R}@hooks.example.com/x` },
  },
  {
    shape: 'URL credentials: a password holding @, a URL inside prose',
    input: { note: 'cache at redis://:p@ss-SECRET@cache:6379/0 is slow' },
    redacted: { note: `cache at redis://:${R}@cache:6379/0 is slow` },
  },
  {
    shape: 'password keys at any depth and spelling',
    input: {
      password: 'a-SECRET',
      db: { primary: { db_password: 'b-SECRET', newPassword: 'c-SECRET', PASSWD: 'd-SECRET' } },
      redis: { pass: 'e-SECRET', passphrase: 'f-SECRET' },
    },
    redacted: {
      password: R,
      db: { primary: { db_password: R, newPassword: R, PASSWD: R } },
      redis: { pass: R, passphrase: R },
    },
  },
  {
    shape: 'token keys at any depth',
    input: {
      token: 'a-SECRET',
      oauth: { access_token: 'b-SECRET', refreshToken: 'c-SECRET', id_token: 'd-SECRET' },
      form: { 'csrf-token': 'e-SECRET', token_count: 3 },
    },
    redacted: {
      token: R,
      oauth: R,
      form: { 'csrf-token': R, token_count: 3 },
    },
  },
  {
    shape: 'apiKey keys in every spelling',
    input: { partner: { apiKey: 'a-SECRET', api_key: 'b-SECRET', 'X-Api-Key': 'c-SECRET' } },
    redacted: { partner: { apiKey: R, api_key: R, 'X-Api-Key': R } },
  },
  {
    shape: 'secret and credential keys, whatever the value',
    input: {
      client_secret: 'a-SECRET',
      credentials: { user: 'svc', key: 'b-SECRET' },
      aws: { secret_access_key: 'c-SECRET', region: 'eu-west-1' },
      private_key: ['-----BEGIN SECRET-----'],
    },
    redacted: {
      client_secret: R,
      credentials: R,
      aws: { secret_access_key: R, region: 'eu-west-1' },
      private_key: R,
    },
  },
  {
    shape: 'authorization headers',
    input: {
      headers: {
        authorization: 'Bearer a-SECRET',
        'Proxy-Authorization': 'Basic b-SECRET',
        accept: 'application/json',
      },
    },
    redacted: {
      headers: { authorization: R, 'Proxy-Authorization': R, accept: 'application/json' },
    },
  },
  {
    shape: 'Cookie and Set-Cookie headers',
    input: {
      request: { headers: { Cookie: 'sid=a-SECRET; theme=dark' } },
      response: { headers: { 'set-cookie': ['sid=b-SECRET; HttpOnly', 'csrf=c-SECRET'] } },
    },
    redacted: {
      request: { headers: { Cookie: R } },
      response: { headers: { 'set-cookie': R } },
    },
  },
  {
    shape: 'query strings',
    input: {
      target: '/v1/orders?access_token=a-SECRET&page=2',
      callback: 'https://api.example.com/cb?state=ok&client_secret=b-SECRET',
      login: '/login?user=me&Pass%77ord=c-SECRET',
    },
    redacted: {
      target: `/v1/orders?access_token=${R}&page=2`,
      callback: `https://api.example.com/cb?state=ok&client_secret=${R}`,
      login: `/login?user=me&Pass%77ord=${R}`,
    },
  },
  {
    shape: 'arrays of objects and strings',
    input: {
      upstreams: [{ url: 'https://svc:a-SECRET@a.internal' }, { token: 'b-SECRET', weight: 2 }],
    },
    redacted: { upstreams: [{ url: `https://svc:${R}@a.internal` }, { token: R, weight: 2 }] },
  },
  {
    shape: 'what is not a secret is kept',
    input: {
      host: 'db',
      port: 5432,
      author: 'me',
      keys: 3,
      sessionTimeout: 30,
      url: 'https://example.com/a?page=2',
    },
    redacted: {
      host: 'db',
      port: 5432,
      author: 'me',
      keys: 3,
      sessionTimeout: 30,
      url: 'https://example.com/a?page=2',
    },
  },
];
