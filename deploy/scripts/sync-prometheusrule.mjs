// Writes the PrometheusRule (Prometheus Operator) from the plain rule file, so the two never
// disagree: edit deploy/prometheus/rules.yaml, then run `node deploy/scripts/sync-prometheusrule.mjs`.
// deploy/test/prometheus.test.ts fails when the committed PrometheusRule is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { parse, stringify } from 'yaml';

const rulesPath = fileURLToPath(new URL('../prometheus/rules.yaml', import.meta.url));
const targetPath = fileURLToPath(
  new URL('../kubernetes/components/prometheus-operator/prometheusrule.yaml', import.meta.url),
);

const header = [
  '# GENERATED from deploy/prometheus/rules.yaml by deploy/scripts/sync-prometheusrule.mjs; do not edit.',
  '# The same alert and recording rules as the plain rule file, for the Prometheus Operator.',
  '',
].join('\n');

const rules = parse(readFileSync(rulesPath, 'utf8'));
const prometheusRule = {
  apiVersion: 'monitoring.coreos.com/v1',
  kind: 'PrometheusRule',
  metadata: { name: 'shipshape', labels: { 'app.kubernetes.io/name': 'shipshape' } },
  spec: { groups: rules.groups },
};
const text = header + stringify(prometheusRule, { lineWidth: 0 });
// Formatted as the repository's Prettier would, so `prettier --check` passes on the output.
const options = (await resolveConfig(targetPath)) ?? {};
writeFileSync(targetPath, await format(text, { ...options, filepath: targetPath }));
console.log(`wrote ${targetPath}`);
