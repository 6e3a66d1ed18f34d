const MAX_OUTPUT_LENGTH = 300;

// scheme://[userinfo@]host[:port][/path][?query] → scheme://host[:port]
const URL_PATTERN = /\b([a-z][a-z0-9+.-]*):\/\/(?:[^\s/@'"]*@)?([^\s/?#'"]*)[^\s'"]*/gi;
// libpq / ADO style key=value secrets: password=..., pwd=..., token: ..., secret=...
const SECRET_PAIR_PATTERN =
  /\b(password|passwd|pwd|pass|secret|token|api[_-]?key|auth|authorization)(\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s;,&]+)/gi;

function firstMessage(error: unknown, depth = 0): string {
  if (depth > 3) return '';
  if (error instanceof Error) {
    if (error.message.length > 0) return error.message;
    // net's AggregateError (e.g. localhost → ::1 and 127.0.0.1) has an empty message.
    const nested = (error as { errors?: unknown }).errors;
    if (Array.isArray(nested) && nested.length > 0) {
      const inner = firstMessage(nested[0], depth + 1);
      if (inner.length > 0) return inner;
    }
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    return error.name;
  }
  if (typeof error === 'string') return error;
  return 'check failed without an error message';
}

/** Removes credentials and connection strings from free text and bounds its length. */
export function sanitizeText(text: string): string {
  const firstLine = text.split('\n', 1)[0] ?? '';
  const cleaned = firstLine
    .replace(URL_PATTERN, (_match, scheme: string, host: string) => `${scheme}://${host}`)
    .replace(SECRET_PAIR_PATTERN, (_match, key: string, sep: string) => `${key}${sep}[REDACTED]`)
    .trim();
  return cleaned.length > MAX_OUTPUT_LENGTH ? `${cleaned.slice(0, MAX_OUTPUT_LENGTH)}…` : cleaned;
}

/** One line an operator can read: the error message only — never a stack, never credentials. */
export function sanitizeError(error: unknown): string {
  const text = sanitizeText(firstMessage(error));
  return text.length > 0 ? text : 'check failed without an error message';
}

/** Copies check details keeping only JSON-safe primitives and sanitised strings, two levels deep. */
export function sanitizeDetails(
  details: Record<string, unknown>,
  depth = 0,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(details)) {
    if (/password|secret|token|credential|connectionstring/i.test(key)) {
      out[key] = '[REDACTED]';
    } else if (typeof value === 'string') {
      out[key] = sanitizeText(value);
    } else if (typeof value === 'number' || typeof value === 'boolean' || value === null) {
      out[key] = value;
    } else if (typeof value === 'object' && depth < 2 && !Array.isArray(value)) {
      out[key] = sanitizeDetails(value as Record<string, unknown>, depth + 1);
    }
  }
  return out;
}
