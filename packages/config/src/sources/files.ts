import { readFileSync } from 'node:fs';
import type { ConfigProblem } from '../config-error.js';
import { errorCode } from '../error-code.js';
import { isForbiddenKey } from '../forbidden-keys.js';
import type { ResolvedLeaf } from '../leaves.js';
import { assign, type Assignment } from './assignment.js';
import { didYouMean } from './suggest.js';

function fileProblem(file: string, message: string): ConfigProblem {
  return {
    key: file,
    env: undefined,
    format: 'json',
    received: undefined,
    source: `file ${file}`,
    message,
  };
}

/** JSON.parse's own message quotes the file's text (which may hold a secret): keep only the position. */
function parseErrorPosition(error: unknown): string {
  const match = error instanceof Error ? /position (\d+)/.exec(error.message) : null;
  return match === null ? '' : ` near character ${match[1] ?? ''}`;
}

function readJson(file: string, problems: ConfigProblem[]): Record<string, unknown> | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    problems.push(
      fileProblem(
        file,
        `config file ${file} cannot be read (${errorCode(error)}). Fix the path in CONFIG_FILE or remove it.`,
      ),
    );
    return undefined;
  }
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    problems.push(
      fileProblem(file, `config file ${file} is not valid JSON${parseErrorPosition(error)}.`),
    );
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    problems.push(
      fileProblem(file, `config file ${file} must hold a JSON object at the top level.`),
    );
    return undefined;
  }
  return parsed as Record<string, unknown>;
}

interface Tree {
  readonly leaves: ReadonlyMap<string, ResolvedLeaf>;
  readonly sections: ReadonlySet<string>;
  readonly keys: readonly string[];
}

function buildTree(leaves: readonly ResolvedLeaf[]): Tree {
  const sections = new Set<string>();
  for (const leaf of leaves) {
    for (let i = 1; i < leaf.path.length; i++) sections.add(leaf.path.slice(0, i).join('.'));
  }
  return {
    leaves: new Map(leaves.map((l) => [l.key, l])),
    sections,
    keys: leaves.map((l) => l.key),
  };
}

function walkFile(
  file: string,
  node: Record<string, unknown>,
  prefix: string,
  tree: Tree,
  out: Assignment[],
  problems: ConfigProblem[],
): void {
  for (const name of Object.keys(node)) {
    const key = prefix === '' ? name : `${prefix}.${name}`;
    const value = node[name];
    if (isForbiddenKey(name)) {
      problems.push(
        fileProblem(
          file,
          `config file ${file} contains the key '${key}', which is rejected to prevent prototype pollution. Remove it.`,
        ),
      );
      continue;
    }
    const leaf = tree.leaves.get(key);
    if (leaf !== undefined) {
      out.push(assign(leaf, value, `file ${file}`));
    } else if (tree.sections.has(key)) {
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        walkFile(file, value as Record<string, unknown>, key, tree, out, problems);
      } else {
        problems.push(
          fileProblem(
            file,
            `config file ${file}: '${key}' is a section and must be a JSON object.`,
          ),
        );
      }
    } else {
      problems.push(
        fileProblem(
          file,
          `config file ${file}: unknown key '${key}'${didYouMean(key, tree.keys)}. Remove it or fix its name.`,
        ),
      );
    }
  }
}

/** Reads JSON config files in order (later files win) and checks every key against the schema. */
export function readConfigFiles(
  files: readonly string[],
  leaves: readonly ResolvedLeaf[],
  problems: ConfigProblem[],
): Assignment[] {
  const tree = buildTree(leaves);
  const out: Assignment[] = [];
  for (const file of files) {
    const content = readJson(file, problems);
    if (content !== undefined) walkFile(file, content, '', tree, out, problems);
  }
  return out;
}
