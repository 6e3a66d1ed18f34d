import convict from 'convict';
import { ConfigError, type ConfigProblem } from './config-error.js';
import { resolveLeaves, type ResolvedLeaf } from './leaves.js';
import { displayValue, maskUrlCredentials } from './redact.js';
import { sealConfig } from './redact-config.js';
import { assertRuleKeys, checkRules, type ConfigRule } from './rules.js';
import { scrubProblems, secretTexts } from './scrub-secrets.js';
import type { Config, EnvLike, SchemaSection } from './schema.js';
import { readArguments } from './sources/arguments.js';
import { invalidValueMessage, leafProblem, type Assignment } from './sources/assignment.js';
import { readEnvironment } from './sources/environment.js';
import { readConfigFiles } from './sources/files.js';

/** Where `loadConfig` reads from, and the rules between keys. Every field is optional. */
export interface LoadConfigOptions<C = unknown> {
  /** Environment variables. Default: `process.env`. */
  readonly env?: EnvLike;
  /** Command-line arguments (`--server.port=8080`). Default: `process.argv.slice(2)`. */
  readonly argv?: readonly string[];
  /** JSON config files, later ones win. Default: `CONFIG_FILE` from `env`, comma-separated; else none. */
  readonly files?: readonly string[];
  /** Rules between keys, checked after every key's format; broken ones join the same `ConfigError`. */
  readonly rules?: readonly ConfigRule<C>[];
}

interface ResolvedLoadOptions {
  readonly env: EnvLike;
  readonly argv: readonly string[];
  readonly files: readonly string[];
}

/** The variable naming config files when `files` is not given. */
export const CONFIG_FILE_VARIABLE = 'CONFIG_FILE';

function resolveOptions(options: Omit<LoadConfigOptions, 'rules'>): ResolvedLoadOptions {
  const env = options.env ?? process.env;
  const files =
    options.files ??
    (env[CONFIG_FILE_VARIABLE] ?? '')
      .split(',')
      .map((f) => f.trim())
      .filter((f) => f !== '');
  return { env, argv: options.argv ?? process.argv.slice(2), files };
}

function defaultOf(leaf: ResolvedLeaf, env: EnvLike): unknown {
  const dynamic = leaf.spec.defaultFromEnv?.(env);
  const value = dynamic ?? leaf.spec.default;
  if (typeof value !== 'string') return value;
  const parsed = leaf.rule.parse(value);
  return parsed.ok ? parsed.value : value;
}

type ConvictNode = { [key: string]: ConvictNode | Record<string, unknown> };

/** The part of convict's instance this loader uses (its typings model a static `T` we build at run time). */
interface ConvictInstance {
  set(key: string, value: unknown): unknown;
  validate(options: { allowed: 'strict'; output: (message: string) => void }): unknown;
  getProperties(): unknown;
}

function createConvict(schema: ConvictNode): ConvictInstance {
  return convict(schema as unknown as convict.Schema<object>, { env: {}, args: [] });
}

/** Builds convict's schema: our format rules become validator functions that record structured problems. */
function convictSchema(
  leaves: readonly ResolvedLeaf[],
  env: EnvLike,
  sources: ReadonlyMap<string, string>,
  problems: ConfigProblem[],
  failures: { count: number; readonly skip: ReadonlySet<string> },
): ConvictNode {
  const root: ConvictNode = {};
  for (const leaf of leaves) {
    let node = root;
    for (const name of leaf.path.slice(0, -1)) node = (node[name] ??= {}) as ConvictNode;
    const validate = (value: unknown): void => {
      if (leaf.rule.accepts(value)) return;
      failures.count++;
      if (failures.skip.has(leaf.key)) throw new Error('already reported');
      const source = sources.get(leaf.key) ?? 'default';
      const missing = value === null || value === undefined;
      problems.push(
        leafProblem(leaf, {
          source,
          ...(missing ? {} : { received: value }),
          message: missing
            ? `${leaf.key} is required: set ${leaf.env} (or ${leaf.env}_FILE, or --${leaf.key}) to ${leaf.rule.expected}.`
            : invalidValueMessage(leaf, value, source),
        }),
      );
      throw new Error(`expected ${leaf.rule.expected}`);
    };
    node[leaf.path.at(-1) ?? leaf.key] = {
      doc: leaf.spec.doc ?? '',
      default: defaultOf(leaf, env),
      format: validate,
      sensitive: leaf.sensitive,
      nullable: leaf.spec.nullable === true,
    };
  }
  return root;
}

/**
 * Loads configuration for `schema`: defaults < JSON files < environment (`NAME` or `NAME_FILE`) <
 * `--key=value` arguments. Returns a deep-frozen plain object typed from the schema, whose
 * `toJSON`/`toString`/`inspect` forms redact sensitive keys. Throws one `ConfigError` listing every problem.
 */
export function loadConfig<const S extends SchemaSection>(
  schema: S,
  options: LoadConfigOptions<Config<S>> = {},
): Config<S> {
  const resolved = resolveOptions(options);
  const leaves = resolveLeaves(schema);
  const leafByKey = new Map(leaves.map((l) => [l.key, l]));
  const rules = options.rules ?? [];
  assertRuleKeys(rules, leafByKey);
  const problems: ConfigProblem[] = [];
  const assignments: Assignment[] = [
    ...readConfigFiles(resolved.files, leaves, problems),
    ...readEnvironment(leaves, resolved.env, problems),
    ...readArguments(resolved.argv, leaves, problems),
  ];
  const winners = new Map<string, Assignment>();
  for (const assignment of assignments) winners.set(assignment.leaf.key, assignment);

  const sources = new Map<string, string>();
  const valueProblems: ConfigProblem[] = [];
  const failures = { count: 0, skip: new Set(problems.map((p) => p.key)) };
  const schemaForConvict = convictSchema(leaves, resolved.env, sources, valueProblems, failures);
  const conf = createConvict(schemaForConvict);
  for (const assignment of winners.values()) {
    sources.set(assignment.leaf.key, assignment.source);
    if (assignment.usable) conf.set(assignment.leaf.key, assignment.value);
    else {
      valueProblems.push(assignment.problem);
      failures.skip.add(assignment.leaf.key);
    }
  }
  try {
    conf.validate({ allowed: 'strict', output: () => undefined });
  } catch (error) {
    if (failures.count === 0) {
      valueProblems.push({
        key: '(config)',
        env: undefined,
        format: undefined,
        received: undefined,
        source: undefined,
        message: maskUrlCredentials(
          error instanceof Error ? error.message : displayValue(error, false),
        ),
      });
    }
  }
  const properties = conf.getProperties() as Config<S>;
  const given = new Map(
    leaves.map((l) => [
      l.key,
      { source: 'default', raw: l.spec.defaultFromEnv?.(resolved.env) ?? l.spec.default },
    ]),
  );
  for (const a of winners.values()) given.set(a.leaf.key, { source: a.source, raw: a.raw });
  const invalid = new Set([...valueProblems, ...problems].map((p) => p.key));
  valueProblems.push(
    ...checkRules(rules, properties, { leaves: leafByKey, sources: given, invalid }),
  );
  const secrets = leaves
    .filter((l) => l.sensitive)
    .flatMap((l) => secretTexts(resolved.env[l.env]))
    .concat(assignments.filter((a) => a.leaf.sensitive).flatMap((a) => secretTexts(a.raw)));
  const order = new Map(leaves.map((l, i) => [l.key, i]));
  valueProblems.sort((a, b) => (order.get(a.key) ?? -1) - (order.get(b.key) ?? -1));
  const all = scrubProblems([...valueProblems, ...problems], secrets);
  if (all.length > 0) throw new ConfigError(all);

  const sensitive = new Set(leaves.filter((l) => l.sensitive).map((l) => l.key));
  const sections = new Set(
    leaves.flatMap((l) => l.path.slice(0, -1).map((_, i) => l.path.slice(0, i + 1).join('.'))),
  );
  return sealConfig(properties, sensitive, sections);
}
