const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

const WHOLE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d)?)+$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)?/g;

/**
 * Parses `"500ms"`, `"30s"`, `"2m"`, `"1h30m"`, `"1d"` or a bare number of milliseconds (`"250"`)
 * into milliseconds. Returns `undefined` when the text is not a duration.
 */
export function parseDuration(text: string): number | undefined {
  const compact = text.trim().toLowerCase();
  if (compact === '' || !WHOLE.test(compact)) return undefined;
  let total = 0;
  for (const match of compact.matchAll(PART)) {
    const amount = Number(match[1]);
    const unit = match[2] ?? 'ms';
    total += amount * (UNIT_MS[unit] ?? 1);
  }
  return Math.round(total);
}
