import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { prometheusDir } from './paths.js';

export interface Rule {
  record?: string;
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
export interface RuleGroup {
  name: string;
  interval?: string;
  rules: Rule[];
}

export function loadRuleGroups(): RuleGroup[] {
  const parsed = parse(readFileSync(join(prometheusDir, 'rules.yaml'), 'utf8')) as {
    groups: RuleGroup[];
  };
  return parsed.groups;
}

export function allRules(): Rule[] {
  return loadRuleGroups().flatMap((g) => g.rules);
}

/** Names produced by recording rules: they exist in Prometheus, not in the apps' /metrics. */
export function recordedNames(): Set<string> {
  return new Set(allRules().flatMap((r) => (r.record ? [r.record] : [])));
}
