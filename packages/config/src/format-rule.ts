export type Parsed = { readonly ok: true; readonly value: unknown } | { readonly ok: false };

/** How one leaf's values are read from text and checked. */
export interface FormatRule {
  /** Short name for tables and problems: `port`, `url (https:)`, `json | pretty`. */
  readonly label: string;
  /** What a valid value looks like, for error messages: `a TCP port (integer 0–65535)`. */
  readonly expected: string;
  /** Text (env, argv, `_FILE`, or a string in a file) → typed value. */
  parse(text: string): Parsed;
  /** `true` when `value` is acceptable. */
  accepts(value: unknown): boolean;
}

export const ok = (value: unknown): Parsed => ({ ok: true, value });
export const fail: Parsed = { ok: false };
export const fromNumber = (value: number | undefined): Parsed =>
  value === undefined || Number.isNaN(value) ? fail : ok(value);

export function parseInteger(text: string): Parsed {
  return /^[+-]?\d+$/.test(text.trim()) ? ok(Number(text.trim())) : fail;
}

export function parseNumber(text: string): Parsed {
  const trimmed = text.trim();
  return trimmed !== '' && Number.isFinite(Number(trimmed)) ? ok(Number(trimmed)) : fail;
}

export function parseJson(text: string): Parsed {
  try {
    return ok(JSON.parse(text));
  } catch {
    return fail;
  }
}

export const isInteger = (value: unknown): value is number => Number.isInteger(value);
