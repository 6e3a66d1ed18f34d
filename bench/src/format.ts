/** How every figure in RESULTS.md is written. */
export function formatNumber(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return '–';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '-∞';
  if (Number.isInteger(value) || Math.abs(value) >= 1000)
    return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(3);
}

/** `median (lowest–highest)` over the rounds; the bare median when there was one round. */
export function withSpread(values: readonly number[], middle: number): string {
  if (values.length < 2) return formatNumber(middle);
  const low = Math.min(...values);
  const high = Math.max(...values);
  return `${formatNumber(middle)} (${formatNumber(low)}–${formatNumber(high)})`;
}
