/** One thing wrong with the configuration. */
export interface ConfigProblem {
  /** Dotted key (`server.port`); for a problem with a whole file, the file path. */
  readonly key: string;
  /** The key's environment variable, or `undefined` when the problem is not about a schema key. */
  readonly env: string | undefined;
  /** Expected format (`port`, `url (https:)`, `json | pretty`), or `undefined`. */
  readonly format: string | undefined;
  /** The value received, as text: `[REDACTED]` when the key is sensitive; `undefined` when nothing was received. */
  readonly received: string | undefined;
  /** Where the value came from: `default`, `file /etc/app.json`, `env SERVER_PORT`, `argument --server.port`. */
  readonly source: string | undefined;
  /** What is wrong and what to do, in one sentence. */
  readonly message: string;
}

function describeProblem(problem: ConfigProblem): string {
  return `  - ${problem.message}`;
}

/** Builds the multi-line text of a `ConfigError`. Contains no secret: problems are redacted when built. */
export function formatConfigProblems(problems: readonly ConfigProblem[]): string {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  return [
    `Configuration is invalid (${count}):`,
    ...problems.map(describeProblem),
    'Fix these in the environment variables, the files named by CONFIG_FILE, or the --key=value arguments, then restart.',
  ].join('\n');
}

/** Every problem found while loading configuration, reported at once. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    super(formatConfigProblems(problems));
    this.name = 'ConfigError';
    this.problems = Object.freeze([...problems]);
  }
}

export function isConfigError(error: unknown): error is ConfigError {
  return (
    error instanceof ConfigError ||
    (error instanceof Error &&
      (error as { code?: unknown }).code === 'CONFIG_INVALID' &&
      Array.isArray((error as { problems?: unknown }).problems))
  );
}
