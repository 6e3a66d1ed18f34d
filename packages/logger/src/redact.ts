/**
 * Keys whose values never reach a log line. Matched case-insensitively after dropping every
 * character that is not a letter or digit, against the whole key or its end: `password` also
 * catches `db_password` and `newPassword`, `token` catches `csrf-token` but not `token_count`.
 */
export const DEFAULT_REDACT_KEYS: readonly string[] = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'api_key',
  'access_token',
  'refresh_token',
  'id_token',
  'client_secret',
  'private_key',
  'credential',
  'credentials',
  'session_id',
];

/** What replaces a redacted value. */
export const REDACTED = '[REDACTED]';

const CACHE_LIMIT = 10_000;
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@:]*)(?::([^\s/?#@]*))?@/gi;
const QUERY_PARAM = /([?&;])([^=&#\s;]+)=([^&#\s;]*)/g;

export function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** Decides which keys are secret and masks secrets inside strings (URL credentials, query params). */
export class Redactor {
  readonly #suffixes: readonly string[];
  /** key -> its JSON-quoted form, or null when the key is sensitive. */
  readonly #keys = new Map<string, string | null>();

  constructor(extraKeys: readonly string[] = []) {
    const all = new Set<string>();
    for (const key of [...DEFAULT_REDACT_KEYS, ...extraKeys]) {
      const normalized = normalizeKey(key);
      if (normalized !== '') all.add(normalized);
    }
    this.#suffixes = [...all];
  }

  isSensitiveKey(key: string): boolean {
    return this.quotedKey(key) === null;
  }

  /** The key as a JSON string literal, or null when its value must be redacted. Cached. */
  quotedKey(key: string): string | null {
    const cached = this.#keys.get(key);
    if (cached !== undefined) return cached;
    const normalized = normalizeKey(key);
    let sensitive = false;
    for (const suffix of this.#suffixes) {
      if (normalized.endsWith(suffix)) {
        sensitive = true;
        break;
      }
    }
    const result = sensitive ? null : JSON.stringify(key);
    if (this.#keys.size < CACHE_LIMIT) this.#keys.set(key, result);
    return result;
  }

  /** Masks URL credentials and sensitive query parameters inside a string. */
  maskString(value: string): string {
    let out = value;
    if (out.includes('@') && out.includes('://')) {
      out = out.replace(URL_CREDENTIALS, (_m, scheme: string, user: string, password?: string) =>
        password === undefined ? `${scheme}${REDACTED}@` : `${scheme}${user}:${REDACTED}@`,
      );
    }
    if (out.includes('=') && (out.includes('?') || out.includes('&'))) {
      out = out.replace(QUERY_PARAM, (match, sep: string, name: string) =>
        this.isSensitiveKey(safeDecode(name)) ? `${sep}${name}=${REDACTED}` : match,
      );
    }
    return out;
  }
}

function safeDecode(name: string): string {
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}
