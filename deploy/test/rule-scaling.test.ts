import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { metricNames } from './lib/promql.js';
import { promtool } from './lib/promtool.js';
import { durationMs, scaleDuration, scaleExpression, scaleRuleGroups } from './lib/rule-scaling.js';
import { allRules, loadRuleGroups } from './lib/rules.js';

// The live Prometheus test (prometheus-live.test.ts) evaluates rules.yaml with time compressed by
// this transformation; these checks pin what it changes and what it must leave alone.
const scratch = mkdtempSync(join(tmpdir(), 'shipshape-rule-scaling-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('scaling rule durations for a live test', () => {
  it('reads and writes Prometheus durations', () => {
    expect(durationMs('5m')).toBe(300_000);
    expect(durationMs('1h30m')).toBe(5_400_000);
    expect(durationMs('250ms')).toBe(250);
    expect(scaleDuration('10m', 30)).toBe('20s');
    expect(scaleDuration('3d', 30)).toBe('8640s');
    expect(scaleDuration('1m', 40)).toBe('1500ms');
    expect(() => durationMs('5 minutes')).toThrow(/not a Prometheus duration/);
  });

  it('scales ranges, subqueries and offsets, never label values', () => {
    expect(
      scaleExpression(
        'rate(x_total{le="[5m]"}[5m]) / max_over_time(y[1h:5m]) - z offset 1h + w[30m:]',
        30,
      ),
    ).toBe('rate(x_total{le="[5m]"}[10s]) / max_over_time(y[120s:10s]) - z offset 120s + w[60s:]');
  });

  it('scales the threshold compared with an *_age_seconds series, and no count, ratio or latency', () => {
    expect(
      scaleExpression('max by (queue) (bullmq_queue_oldest_waiting_job_age_seconds) > 300', 30),
    ).toBe('max by (queue) (bullmq_queue_oldest_waiting_job_age_seconds) > 10');
    expect(scaleExpression('max(outbox_records) > 1000', 30)).toBe('max(outbox_records) > 1000');
    expect(scaleExpression('nodejs_eventloop_lag_p99_seconds > 0.1', 30)).toBe(
      'nodejs_eventloop_lag_p99_seconds > 0.1',
    );
    expect(() => scaleExpression('a_age_seconds > 300 and b > 2', 30)).toThrow(/which threshold/);
  });

  it('scales every duration of the shipped rules and nothing else, leaving rules.yaml untouched', () => {
    const shipped = loadRuleGroups();
    const before = JSON.stringify(shipped);
    const scaled = scaleRuleGroups(shipped, 30).flatMap((g) => g.rules);
    expect(JSON.stringify(shipped)).toBe(before);
    const original = allRules();
    expect(scaled.map((r) => r.alert ?? r.record)).toEqual(
      original.map((r) => r.alert ?? r.record),
    );
    for (const [i, rule] of scaled.entries()) {
      const source = original[i]!;
      // No minute, hour or day unit survives in a range or a `for:`.
      expect(rule.expr, rule.alert ?? rule.record).not.toMatch(/\[\d+[mhdwy]|offset \d+[mhdwy]/);
      if (source.for) expect(durationMs(rule.for!)).toBe(durationMs(source.for) / 30);
      // Same metrics, labels, annotations.
      expect(metricNames(rule.expr)).toEqual(metricNames(source.expr));
      expect(rule.labels).toEqual(source.labels);
      expect(rule.annotations).toEqual(source.annotations);
    }
    const pending = scaled.find((r) => r.alert === 'OrdersPendingTooLong')!;
    expect(pending.expr).toMatch(/> 10\s*$/);
    expect(pending.for).toBe('10s');
  });

  it('keeps every scaled window at least four scrapes of the live test (2 s) wide', () => {
    const windows = scaleRuleGroups(loadRuleGroups(), 30)
      .flatMap((g) => g.rules)
      .flatMap((r) => [...r.expr.matchAll(/\[(\d+(?:ms|s))\]/g)].map((m) => durationMs(m[1]!)));
    expect(windows.length).toBeGreaterThan(20);
    expect(Math.min(...windows)).toBeGreaterThanOrEqual(4 * 2_000);
  });

  it('writes a rule file that promtool accepts', () => {
    const file = join(scratch, 'rules.scaled.yaml');
    writeFileSync(file, stringify({ groups: scaleRuleGroups(loadRuleGroups(), 30) }));
    const result = promtool(['check', 'rules', file]);
    expect(result.status, result.output).toBe(0);
  });
});
