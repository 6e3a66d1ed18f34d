import { panels, type Dashboard } from './dashboards.js';
import { ALL, interpolate, labelValuesQuery, type GrafanaView } from './grafana.js';
import type { PrometheusServer } from './prometheus-server.js';

/** One query of one panel: `<dashboard file> › <panel title> › <refId>`. */
export interface PanelQuery {
  readonly key: string;
  readonly dashboard: Dashboard;
  readonly expr: string;
}

export function panelQueries(dashboards: readonly Dashboard[]): PanelQuery[] {
  return dashboards.flatMap((dashboard) =>
    panels(dashboard).flatMap((panel) =>
      (panel.targets ?? []).map((target) => ({
        key: `${dashboard.file} › ${panel.title} › ${target.refId}`,
        dashboard,
        expr: target.expr,
      })),
    ),
  );
}

/** How the template variables are set: "All" (the dashboards' default), or each one's first value. */
export type Selection = 'all' | 'first';

/**
 * The template variables' values as Grafana resolves them on load: the data source variable takes
 * its current value; a `label_values(selector, label)` variable asks Prometheus for the label's
 * values on the series that match (its selector interpolated with the variables before it). A query
 * variable without values is an error: every panel that uses it would be empty.
 */
export async function resolveVariables(
  prometheus: PrometheusServer,
  dashboard: Dashboard,
  selection: Selection,
  context: GrafanaView,
): Promise<Record<string, string | string[]>> {
  const values: Record<string, string | string[]> = {};
  for (const variable of dashboard.templating.list) {
    const current = (variable as { current?: { value?: string } }).current?.value;
    if (variable.type === 'datasource') {
      values[variable.name] = current ?? 'prometheus';
      continue;
    }
    const query = labelValuesQuery(variable);
    if (!query)
      throw new Error(`${dashboard.file}: variable $${variable.name} is not label_values()`);
    const selector = interpolate(query.selector, dashboard, { ...context, variables: values });
    const found = await prometheus.labelValues(query.label, selector);
    if (found.length === 0) {
      throw new Error(
        `${dashboard.file}: variable $${variable.name} has no values (label_values(${selector}, ${query.label}))`,
      );
    }
    values[variable.name] = selection === 'all' ? ALL : [found[0] ?? ''];
  }
  return values;
}

/**
 * Runs every query through `/api/v1/query` as Grafana would send it and returns the keys of those
 * without data: no sample with a finite value (a ratio of two empty rates is NaN, which Grafana
 * draws as nothing).
 */
export async function queriesWithoutData(
  prometheus: PrometheusServer,
  queries: readonly PanelQuery[],
  selection: Selection,
  context: GrafanaView,
  atMs?: number,
): Promise<string[]> {
  const variables = new Map<Dashboard, Record<string, string | string[]>>();
  const empty: string[] = [];
  for (const query of queries) {
    let values = variables.get(query.dashboard);
    if (!values) {
      values = await resolveVariables(prometheus, query.dashboard, selection, context);
      variables.set(query.dashboard, values);
    }
    const expr = interpolate(query.expr, query.dashboard, { ...context, variables: values });
    const samples = await prometheus.query(expr, atMs);
    if (!samples.some((s) => Number.isFinite(s.value))) empty.push(query.key);
  }
  return empty;
}
