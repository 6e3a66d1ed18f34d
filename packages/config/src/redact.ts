/** What a sensitive value prints as, everywhere. */
export const REDACTED = '[REDACTED]';

/** `scheme://user:password@` and `scheme://token@` inside any text. */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@]*)@/gi;

/**
 * Masks credentials inside URLs anywhere in `text`:
 * `postgres://app:s3cret@db/orders` → `postgres://app:***@db/orders`, `https://token@host` → `https://***@host`.
 */
export function maskUrlCredentials(text: string): string {
  return text.replace(URL_USERINFO, (_match, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(':');
    return colon === -1 ? `${scheme}***@` : `${scheme}${userinfo.slice(0, colon)}:***@`;
  });
}

/** Key names treated as sensitive when an object carries no schema information. */
const SECRET_NAME =
  /pass(word|wd)?|secret|token|api[-_]?key|credential|private[-_]?key|auth(?!or)|cookie|session/i;

export function looksSecret(key: string): boolean {
  return SECRET_NAME.test(key);
}

/** Copies `value`, masking URL credentials in every string. */
export function maskDeep(value: unknown): unknown {
  if (typeof value === 'string') return maskUrlCredentials(value);
  if (Array.isArray(value)) return value.map(maskDeep);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[key] = maskDeep(inner);
    return out;
  }
  return value;
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
