import type { RuleGroup } from './rules.js';
import { metricNames } from './promql.js';

/**
 * deploy/prometheus/rules.yaml with time compressed, for a live Prometheus in a test: every
 * duration divided by `factor` (60: a minute of production is a second of test). The shipped file
 * is read, never edited; the result goes to a temporary file.
 *
 * What is scaled, and why:
 * - an alert's `for:` and a group's `interval:` (`for: 10m` → `10s`);
 * - range and subquery durations and `offset`s in expressions (`[5m]` → `[5s]`, `[1h:5m]` →
 *   `[1m:5s]`, `offset 1h` → `offset 1m`), so each window covers the same number of evaluations;
 * - the threshold of a comparison against an `*_age_seconds` series (`… age_seconds) > 300` →
 *   `> 5`): an age grows with wall-clock time, so "waited 5 minutes" becomes "waited 5 seconds".
 *
 * Nothing else: counts (`> 1000` jobs), ratios (`14.4 * 0.001`), durations that are not elapsed
 * time (event loop delay `> 0.1`) and annotations keep their meaning.
 */
export function scaleRuleGroups(groups: readonly RuleGroup[], factor: number): RuleGroup[] {
  if (!(factor >= 1)) throw new Error(`scale factor must be at least 1, got ${factor}`);
  return groups.map((group) => ({
    ...group,
    ...(group.interval === undefined ? {} : { interval: scaleDuration(group.interval, factor) }),
    rules: group.rules.map((rule) => ({
      ...rule,
      expr: scaleExpression(rule.expr, factor),
      ...(rule.for === undefined ? {} : { for: scaleDuration(rule.for, factor) }),
    })),
  }));
}

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 31_536_000_000,
};
/** A Prometheus duration: one or more `<number><unit>` pairs, largest unit first ("1h30m"). */
const DURATION = String.raw`(?:\d+(?:ms|s|m|h|d|w|y))+`;

/** Milliseconds of a Prometheus duration ("5m", "1h30m", "250ms"). */
export function durationMs(text: string): number {
  if (!new RegExp(`^${DURATION}$`).test(text))
    throw new Error(`"${text}" is not a Prometheus duration`);
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g))
    total += Number(amount) * (UNIT_MS[unit ?? ''] ?? Number.NaN);
  return total;
}

/** A duration divided by `factor`, written in whole seconds, or milliseconds when not whole. */
export function scaleDuration(text: string, factor: number): string {
  const ms = Math.round(durationMs(text) / factor);
  if (ms === 0 && durationMs(text) > 0)
    throw new Error(`"${text}" / ${factor} is under a millisecond`);
  return ms % 1_000 === 0 ? `${ms / 1_000}s` : `${ms}ms`;
}

/** String literals of PromQL (label values): never rewritten. */
const STRING_LITERAL = /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g;

/** An expression with its ranges, subqueries, offsets and age thresholds scaled (see above). */
export function scaleExpression(expr: string, factor: number): string {
  let scaled = outsideStrings(expr, (code) =>
    code
      .replace(
        new RegExp(String.raw`\[\s*(${DURATION})\s*(?::\s*(${DURATION})?\s*)?\]`, 'g'),
        (whole, range: string, step: string | undefined) => {
          if (!whole.includes(':')) return `[${scaleDuration(range, factor)}]`;
          return `[${scaleDuration(range, factor)}:${step === undefined ? '' : scaleDuration(step, factor)}]`;
        },
      )
      .replace(
        new RegExp(String.raw`\boffset\s+(-?)(${DURATION})`, 'g'),
        (_, sign: string, duration: string) => `offset ${sign}${scaleDuration(duration, factor)}`,
      ),
  );
  if (metricNames(expr).some((name) => name.endsWith('_age_seconds'))) {
    const comparisons = /(>=|<=|>|<|==|!=)(\s*(?:bool\s+)?)(\d+(?:\.\d+)?)(?![\w.])/g;
    let count = 0;
    outsideStrings(scaled, (code) => {
      count += code.match(comparisons)?.length ?? 0;
      return code;
    });
    if (count !== 1) {
      throw new Error(
        `cannot tell which threshold of this *_age_seconds expression is an age (${count} comparisons): ${expr}`,
      );
    }
    scaled = outsideStrings(scaled, (code) =>
      code.replace(
        comparisons,
        (_, op: string, space: string, value: string) =>
          `${op}${space}${String(Number(value) / factor)}`,
      ),
    );
  }
  return scaled;
}

/** Applies `rewrite` to the parts of `expr` outside string literals. */
function outsideStrings(expr: string, rewrite: (code: string) => string): string {
  let result = '';
  let last = 0;
  for (const match of expr.matchAll(STRING_LITERAL)) {
    result += rewrite(expr.slice(last, match.index)) + match[0];
    last = match.index + match[0].length;
  }
  return result + rewrite(expr.slice(last));
}
