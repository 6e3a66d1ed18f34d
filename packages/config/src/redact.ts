import { isSecretKey, maskSecrets, REDACTED } from '@shipshape/contracts';

/** What a sensitive value prints as, everywhere (the marker every shipshape output uses). */
export { REDACTED };

/**
 * Masks the secrets inside any text, by the policy logs follow too (`maskSecrets` of
 * @shipshape/contracts): URL credentials — `postgres://app:s3cret@db/orders` →
 * `postgres://app:[REDACTED]@db/orders`, `https://token@host` → `https://[REDACTED]@host` — and the
 * values of query parameters with secret names (`?access_token=[REDACTED]`).
 */
export function maskUrlCredentials(text: string): string {
  return maskSecrets(text);
}

/**
 * Key names treated as secret (`isSecretKey` of @shipshape/contracts, the list logs redact):
 * password, token, secret, api key, authorization, cookie, session… at the end of the key.
 */
export function looksSecret(key: string): boolean {
  return isSecretKey(key);
}

/** A received value as it may appear in a message: `[REDACTED]` when sensitive, else JSON with URL credentials masked. */
export function displayValue(value: unknown, sensitive: boolean): string {
  if (sensitive) return REDACTED;
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  const json = JSON.stringify(value) as string | undefined;
  const text = json ?? typeof value;
  const clipped = text.length > 200 ? `${text.slice(0, 200)}…` : text;
  return maskUrlCredentials(clipped);
}
