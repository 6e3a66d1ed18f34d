import type { Dashboard } from './dashboards.js';

/**
 * Grafana's substitution of a Prometheus panel query, done as Grafana 10/11 does it, so a query
 * can be sent to Prometheus' HTTP API exactly as a dashboard would send it.
 *
 * Interval variables (Grafana's "Query options" and the Prometheus data source):
 * - `$__interval` = the time range divided by the panel's max data points, rounded to a "nice"
 *   interval (rangeutil.roundInterval), never below the data source's scrape interval
 *   (`jsonData.timeInterval`);
 * - `$__rate_interval` = max(`$__interval` + scrape interval, 4 × scrape interval);
 * - `$__range` = the time range.
 *
 * Template variables: a single value of a variable without "multi" or "include all" is inserted
 * as it is; otherwise each value is regex-escaped and several are joined as `(a|b)`; "All" is the
 * variable's `allValue` (`.*` in these dashboards). An unknown variable is an error, never left in
 * the query.
 */
export interface GrafanaQueryContext {
  /** The data source's scrape interval (Prometheus data source → "Scrape interval"). */
  readonly scrapeIntervalMs: number;
  /** The dashboard's time range. */
  readonly rangeMs: number;
  /** The panel's max data points (Grafana's default: the panel's width in pixels). */
  readonly maxDataPoints: number;
  /** The selected value(s) of each template variable; `ALL` for "All". */
  readonly variables: Readonly<Record<string, string | readonly string[]>>;
}

/** The value Grafana stores when "All" is selected. */
export const ALL = '$__all';

/** Grafana's rangeutil.roundInterval: the interval for a raw one, in ms. */
export function roundIntervalMs(intervalMs: number): number {
  const steps: [below: number, nice: number][] = [
    [15, 10],
    [35, 20],
    [75, 50],
    [150, 100],
    [350, 200],
    [750, 500],
    [1_500, 1_000],
    [3_500, 2_000],
    [7_500, 5_000],
    [12_500, 10_000],
    [17_500, 15_000],
    [25_000, 20_000],
    [45_000, 30_000],
    [90_000, 60_000],
    [210_000, 120_000],
    [450_000, 300_000],
    [1_050_000, 600_000],
    [2_100_000, 1_200_000],
    [4_500_000, 3_600_000],
    [9_000_000, 7_200_000],
    [25_200_000, 21_600_000],
    [54_000_000, 43_200_000],
    [129_600_000, 86_400_000],
  ];
  for (const [below, nice] of steps) if (intervalMs < below) return nice;
  return 604_800_000;
}

/** The time range and data source a query is sent with, without the template variables. */
export type GrafanaView = Omit<GrafanaQueryContext, 'variables'>;

export function intervalMs(context: GrafanaView): number {
  return Math.max(
    roundIntervalMs(context.rangeMs / context.maxDataPoints),
    context.scrapeIntervalMs,
  );
}

export function rateIntervalMs(context: GrafanaView): number {
  return Math.max(intervalMs(context) + context.scrapeIntervalMs, 4 * context.scrapeIntervalMs);
}

/** A duration in the form Grafana writes it into a query ("4s", "1m", "500ms"). */
export function formatGrafanaDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1_000 === 0) return `${ms / 1_000}s`;
  return `${ms}ms`;
}

/** Grafana's prometheusSpecialRegexEscape: a value made literal inside a `=~"…"` matcher. */
function regexEscape(value: string): string {
  return value.replace(/\\/g, '\\\\\\\\').replace(/[$^*{}[\]'+?.()|]/g, '\\\\$&');
}

type Variable = Dashboard['templating']['list'][number] & {
  multi?: boolean;
  includeAll?: boolean;
  allValue?: string;
};

function variableValue(variable: Variable, selected: string | readonly string[]): string {
  const values = typeof selected === 'string' ? [selected] : selected;
  if (values.includes(ALL)) {
    if (variable.allValue === undefined)
      throw new Error(`$${variable.name}: "All" without an allValue needs the variable's options`);
    return variable.allValue;
  }
  if (variable.multi !== true && variable.includeAll !== true) return values.join(',');
  const escaped = values.map(regexEscape);
  return escaped.length === 1 ? (escaped[0] ?? '') : `(${escaped.join('|')})`;
}

/** The query with every `$var`, `${var}` and `$__…` interval variable substituted. */
export function interpolate(
  expr: string,
  dashboard: Pick<Dashboard, 'templating'>,
  context: GrafanaQueryContext,
): string {
  const builtIns: Record<string, string> = {
    __interval: formatGrafanaDuration(intervalMs(context)),
    __rate_interval: formatGrafanaDuration(rateIntervalMs(context)),
    __range: formatGrafanaDuration(context.rangeMs),
  };
  return expr.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (whole, braced: string | undefined, bare: string | undefined) => {
      const name = braced ?? bare ?? '';
      const builtIn = builtIns[name];
      if (builtIn !== undefined) return builtIn;
      const variable = dashboard.templating.list.find((v) => v.name === name) as
        Variable | undefined;
      if (!variable) throw new Error(`${whole}: no such template variable in the dashboard`);
      const selected = context.variables[name];
      if (selected === undefined) throw new Error(`${whole}: no value selected`);
      return variableValue(variable, selected);
    },
  );
}

/** `label_values(<selector>, <label>)` of a query variable, split into its parts. */
export function labelValuesQuery(
  variable: Dashboard['templating']['list'][number],
): { selector: string; label: string } | undefined {
  const query = typeof variable.query === 'string' ? variable.query : variable.query?.query;
  const match = /^\s*label_values\(\s*(.+)\s*,\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)\s*$/.exec(
    query ?? '',
  );
  return match?.[1] && match[2] ? { selector: match[1], label: match[2] } : undefined;
}
