import type { ConfigProblem } from './config-error.js';
import type { ResolvedLeaf } from './leaves.js';
import { displayValue, maskUrlCredentials } from './redact.js';
import { ConfigSchemaError } from './schema-error.js';

/**
 * A rule between keys (or about one key beyond its format), declared beside the schema and checked
 * with it: a broken rule is one more problem in the same `ConfigError`.
 */
export interface ConfigRule<C = unknown> {
  /** Every dotted key the rule reads; the problem is filed under the first. */
  readonly keys: readonly [string, ...string[]];
  /** The rule as an operator reads it: `'shutdown.drainDelay must be smaller than shutdown.timeout'`. */
  readonly rule: string;
  /** `true` when `config` obeys the rule. Only called when every key in `keys` is valid. */
  readonly check: (config: C) => boolean;
  /** What to do. Default: `Change <ENV> or <ENV>.` */
  readonly fix?: string;
}

/** What the loader knows about each key's winning value. */
export interface RuleContext {
  readonly leaves: ReadonlyMap<string, ResolvedLeaf>;
  /** Where each key's value came from (`default` included) and the value as given there. */
  readonly sources: ReadonlyMap<string, { readonly source: string; readonly raw: unknown }>;
  /** Keys that already have a problem: rules reading them are not checked. */
  readonly invalid: ReadonlySet<string>;
}

/** Throws `ConfigSchemaError` when a rule names a key the schema does not have. */
export function assertRuleKeys(
  rules: readonly ConfigRule<never>[],
  leaves: ReadonlyMap<string, ResolvedLeaf>,
): void {
  for (const rule of rules) {
    const unknown = rule.keys.find((key) => !leaves.has(key));
    if (unknown !== undefined) {
      throw new ConfigSchemaError(
        `the rule "${rule.rule}" reads '${unknown}', which is not a key.`,
      );
    }
  }
}

function describeKey(leaf: ResolvedLeaf, value: unknown, context: RuleContext): string {
  const given = context.sources.get(leaf.key);
  const raw = given?.raw;
  const text =
    typeof raw === 'string' && raw !== '' && !leaf.sensitive
      ? maskUrlCredentials(raw)
      : displayValue(raw ?? value, leaf.sensitive);
  return `${leaf.env}=${text} (${given?.source ?? 'default'})`;
}

/** The value at a dotted key (`'shutdown.timeout'`) or path of a loaded config. */
export function valueAt(config: unknown, key: string | readonly string[]): unknown {
  let node = config;
  for (const name of typeof key === 'string' ? key.split('.') : key) {
    node = (node as Record<string, unknown> | undefined)?.[name];
  }
  return node;
}

/** The problems of the rules `config` breaks, skipping rules that read an invalid key. */
export function checkRules<C>(
  rules: readonly ConfigRule<C>[],
  config: C,
  context: RuleContext,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const rule of rules) {
    if (rule.keys.some((key) => context.invalid.has(key)) || rule.check(config)) continue;
    const leaves = rule.keys.map((key) => context.leaves.get(key) as ResolvedLeaf);
    const first = leaves[0] as ResolvedLeaf;
    const described = leaves.map((leaf) => describeKey(leaf, valueAt(config, leaf.path), context));
    const fix = rule.fix ?? `Change ${leaves.map((leaf) => leaf.env).join(' or ')}.`;
    problems.push({
      key: first.key,
      env: first.env,
      format: 'rule',
      received: displayValue(valueAt(config, first.path), first.sensitive),
      source: context.sources.get(first.key)?.source ?? 'default',
      message: `${rule.rule}; received ${described.join(' and ')}. ${fix}`,
    });
  }
  return problems;
}
