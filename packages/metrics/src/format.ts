/** Exposition formats the /metrics handler can produce. */
export type ExpositionFormat = 'prometheus' | 'openmetrics';

export const CONTENT_TYPES: Readonly<Record<ExpositionFormat, string>> = {
  prometheus: 'text/plain; version=0.0.4; charset=utf-8',
  openmetrics: 'application/openmetrics-text; version=1.0.0; charset=utf-8',
};

const NEEDS_LABEL_ESCAPE = /[\\\n"]/;

/** Escapes a label value for both text formats (backslash, newline, double quote). */
export function escapeLabelValue(value: string): string {
  if (!NEEDS_LABEL_ESCAPE.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/** Escapes HELP text: the 0.0.4 format escapes backslash and newline, OpenMetrics also quotes. */
export function escapeHelp(help: string, format: ExpositionFormat): string {
  const escaped = help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
  return format === 'openmetrics' ? escaped.replace(/"/g, '\\"') : escaped;
}

/** Formats a sample value the way both formats expect (NaN, +Inf, -Inf, plain decimal). */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return `${value}`;
}

/**
 * Renders `name="value"` pairs for series labels followed by default labels the series lacks,
 * leaving out the label named `skip`.
 */
export function formatLabelPairs(
  labels: Readonly<Record<string, string | number | undefined>>,
  defaults: Readonly<Record<string, string>>,
  skip?: string,
): string {
  let out = '';
  for (const key in labels) {
    const value = labels[key];
    if (value === undefined || key === skip) continue;
    out += `${out === '' ? '' : ','}${key}="${escapeLabelValue(String(value))}"`;
  }
  for (const key in defaults) {
    if (Object.prototype.hasOwnProperty.call(labels, key)) continue;
    out += `${out === '' ? '' : ','}${key}="${escapeLabelValue(defaults[key] ?? '')}"`;
  }
  return out;
}
