/** What a secret prints as, in every shipshape output: logs, config dumps, error messages. */
export const REDACTED = '[REDACTED]';

/**
 * Keys whose values are secret, matched case-insensitively after dropping every character that
 * is not a letter or digit, against the whole key or its end: `password` also catches
 * `db_password` and `newPassword`, `token` catches `csrf-token` but not `token_count`, `cookie`
 * catches `set-cookie`, `api_key` catches `apiKey` and `X-Api-Key`.
 */
export const SECRET_KEYS: readonly string[] = [
  'authorization',
  'proxy-authorization',
  'auth',
  'cookie',
  'set-cookie',
  'password',
  'passwd',
  'pass',
  'passphrase',
  'secret',
  'token',
  'jwt',
  'api_key',
  'access_key',
  'secret_key',
  'private_key',
  'client_secret',
  'credential',
  'credentials',
  'session',
  'session_id',
];

/** Decides whether a key names a secret. */
export type SecretKeyTest = (key: string) => boolean;

function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** A test for `SECRET_KEYS` plus `extraKeys` (same matching rule). */
export function secretKeyMatcher(extraKeys: readonly string[] = []): SecretKeyTest {
  const suffixes = new Set<string>();
  for (const key of [...SECRET_KEYS, ...extraKeys]) {
    const normalized = normalizeKey(key);
    if (normalized !== '') suffixes.add(normalized);
  }
  const list = [...suffixes];
  return (key) => {
    const normalized = normalizeKey(key);
    for (const suffix of list) if (normalized.endsWith(suffix)) return true;
    return false;
  };
}

/** `SECRET_KEYS` alone. */
export const isSecretKey: SecretKeyTest = secretKeyMatcher();

/** `scheme://user:password@` (the password may hold `@`) and `scheme://token@`. */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@:]*)(?::([^\s/?#]*))?@/gi;
/** `name=value` after `?`, `&` or `;`. */
const QUERY_PARAM = /([?&;])([^=&#\s;]+)=([^&#\s;]*)/g;

function decodeName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}

/**
 * Masks the secrets a string can carry: URL credentials (`postgres://app:[REDACTED]@db/x`,
 * `https://[REDACTED]@host`) and the values of query parameters whose names are secret
 * (`?access_token=[REDACTED]&page=2`). Everything else is kept.
 */
export function maskSecrets(text: string, isSecret: SecretKeyTest = isSecretKey): string {
  let out = text;
  if (out.includes('@') && out.includes('://')) {
    out = out.replace(URL_CREDENTIALS, (_match, scheme: string, user: string, password?: string) =>
      password === undefined ? `${scheme}${REDACTED}@` : `${scheme}${user}:${REDACTED}@`,
    );
  }
  if (out.includes('=')) {
    out = out.replace(QUERY_PARAM, (match, separator: string, name: string) =>
      isSecret(decodeName(name)) ? `${separator}${name}=${REDACTED}` : match,
    );
  }
  return out;
}
