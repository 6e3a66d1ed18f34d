import { readFileSync } from 'node:fs';
import type { ConfigProblem } from '../config-error.js';
import { errorCode } from '../error-code.js';
import type { ResolvedLeaf } from '../leaves.js';
import type { EnvLike } from '../schema.js';
import { assign, leafProblem, type Assignment } from './assignment.js';

function readSecretFile(
  leaf: ResolvedLeaf,
  variable: string,
  path: string,
  problems: ConfigProblem[],
): string | undefined {
  try {
    return readFileSync(path, 'utf8').replace(/[\r\n]+$/, '');
  } catch (error) {
    problems.push(
      leafProblem(leaf, {
        source: `env ${variable}`,
        message:
          `${leaf.key}: ${variable} points to '${path}', which cannot be read (${errorCode(error)}). ` +
          `Mount the secret file there or unset ${variable}.`,
      }),
    );
    return undefined;
  }
}

/**
 * Reads each key's environment variable, or its `<NAME>_FILE` twin (file contents, trailing newline
 * trimmed). Setting both is a problem. A `_FILE` twin that is itself a declared variable is not a twin.
 */
export function readEnvironment(
  leaves: readonly ResolvedLeaf[],
  env: EnvLike,
  problems: ConfigProblem[],
): Assignment[] {
  const declared = new Set(leaves.map((l) => l.env));
  const out: Assignment[] = [];
  for (const leaf of leaves) {
    const direct = env[leaf.env];
    const fileVariable = `${leaf.env}_FILE`;
    const filePath = declared.has(fileVariable) ? undefined : env[fileVariable];
    const hasDirect = typeof direct === 'string';
    const hasFile = typeof filePath === 'string';
    if (hasDirect && hasFile) {
      problems.push(
        leafProblem(leaf, {
          source: `env ${leaf.env} and env ${fileVariable}`,
          message: `${leaf.key}: both ${leaf.env} and ${fileVariable} are set. Set only one of them.`,
        }),
      );
    } else if (hasFile) {
      const text = readSecretFile(leaf, fileVariable, filePath, problems);
      if (text !== undefined) out.push(assign(leaf, text, `env ${fileVariable} (${filePath})`));
    } else if (hasDirect) {
      out.push(assign(leaf, direct, `env ${leaf.env}`));
    }
  }
  return out;
}
