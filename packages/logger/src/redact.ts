import {
  maskSecrets,
  REDACTED,
  SECRET_KEYS,
  secretKeyMatcher,
  type SecretKeyTest,
} from '@shipshape/contracts';

/**
 * Keys whose values never reach a log line: the shipshape policy (`SECRET_KEYS` of
 * @shipshape/contracts, the same list config dumps redact). Matched case-insensitively after
 * dropping every character that is not a letter or digit, against the whole key or its end.
 */
export const DEFAULT_REDACT_KEYS: readonly string[] = SECRET_KEYS;

/** What replaces a redacted value. */
export { REDACTED };

const CACHE_LIMIT = 10_000;

/** The shared policy plus this logger's extra keys, with the answer per key cached. */
export class Redactor {
  readonly #isSecret: SecretKeyTest;
  /** key -> its JSON-quoted form, or null when the key is sensitive. */
  readonly #keys = new Map<string, string | null>();
  readonly #isSensitive: SecretKeyTest = (key) => this.quotedKey(key) === null;

  constructor(extraKeys: readonly string[] = []) {
    this.#isSecret = secretKeyMatcher(extraKeys);
  }

  isSensitiveKey(key: string): boolean {
    return this.quotedKey(key) === null;
  }

  /** The key as a JSON string literal, or null when its value must be redacted. Cached. */
  quotedKey(key: string): string | null {
    const cached = this.#keys.get(key);
    if (cached !== undefined) return cached;
    const result = this.#isSecret(key) ? null : JSON.stringify(key);
    if (this.#keys.size < CACHE_LIMIT) this.#keys.set(key, result);
    return result;
  }

  /** Masks URL credentials and sensitive query parameters inside a string. */
  maskString(value: string): string {
    return maskSecrets(value, this.#isSensitive);
  }
}
