import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dashboardsDir } from './paths.js';

export interface Target {
  expr: string;
  refId: string;
  legendFormat?: string;
}
export interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: Target[];
  panels?: Panel[];
}
export interface Dashboard {
  file: string;
  uid: string;
  title: string;
  panels: Panel[];
  templating: {
    list: { name: string; type: string; query?: string | { query: string }; definition?: string }[];
  };
}

export function loadDashboards(): Dashboard[] {
  return readdirSync(dashboardsDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({
      ...(JSON.parse(readFileSync(join(dashboardsDir, file), 'utf8')) as Omit<Dashboard, 'file'>),
      file,
    }));
}

/** Every panel, rows' children included. */
export function panels(dashboard: Dashboard): Panel[] {
  return dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
}

/** Every PromQL expression of a dashboard's panels. */
export function expressions(dashboard: Dashboard): string[] {
  return panels(dashboard).flatMap((p) => (p.targets ?? []).map((t) => t.expr));
}

/** Metric names that template variables query with label_values(metric{…}, label). */
export function variableMetrics(dashboard: Dashboard): string[] {
  return dashboard.templating.list.flatMap((v) => {
    const query = typeof v.query === 'string' ? v.query : (v.query?.query ?? '');
    const match = /label_values\(\s*([A-Za-z_:][A-Za-z0-9_:]*)/.exec(query);
    return match?.[1] ? [match[1]] : [];
  });
}
