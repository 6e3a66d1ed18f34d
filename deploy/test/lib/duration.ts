/**
 * Parses a duration the way the apps' config package does ("25s", "500ms", "2m", "1h", or a plain
 * number of milliseconds) and returns milliseconds.
 */
export function parseDurationMs(value: string | number): number {
  if (typeof value === 'number') return value;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(value);
  if (!match) throw new Error(`"${value}" is not a duration (expected e.g. 500ms, 25s, 2m)`);
  const amount = Number(match[1]);
  const unit = match[2] ?? 'ms';
  const factor = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[unit];
  if (factor === undefined) throw new Error(`unknown duration unit in "${value}"`);
  return amount * factor;
}
