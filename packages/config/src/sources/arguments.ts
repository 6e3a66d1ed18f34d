import type { ConfigProblem } from '../config-error.js';
import { isForbiddenKey } from '../forbidden-keys.js';
import type { ResolvedLeaf } from '../leaves.js';
import { assign, type Assignment } from './assignment.js';
import { didYouMean } from './suggest.js';

function argumentProblem(argument: string, message: string): ConfigProblem {
  return {
    key: argument,
    env: undefined,
    format: undefined,
    received: undefined,
    source: `argument ${argument}`,
    message,
  };
}

/**
 * Reads `--server.port=8080`, `--server.port 8080` and bare `--flag` (= "true") arguments.
 * An unknown `--key` is a problem when it falls inside a schema section (`--server.prot`) or is close
 * to a key; other arguments (`--inspect`, a test runner's flags, positionals) are left to the
 * application. `--` ends option parsing.
 */
export function readArguments(
  argv: readonly string[],
  leaves: readonly ResolvedLeaf[],
  problems: ConfigProblem[],
): Assignment[] {
  const byKey = new Map(leaves.map((l) => [l.key, l]));
  const keys = leaves.map((l) => l.key);
  const sections = new Set(leaves.filter((l) => l.path.length > 1).map((l) => l.path[0] ?? ''));
  const out: Assignment[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] ?? '';
    if (token === '--') break;
    if (!token.startsWith('--')) continue;
    const body = token.slice(2);
    const equals = body.indexOf('=');
    const key = equals === -1 ? body : body.slice(0, equals);
    let value: string;
    if (equals !== -1) {
      value = body.slice(equals + 1);
    } else if (i + 1 < argv.length && !(argv[i + 1] ?? '').startsWith('--')) {
      value = argv[i + 1] ?? '';
      i++;
    } else {
      value = 'true';
    }
    const flag = `--${key}`;
    const forbidden = key.split('.').find(isForbiddenKey);
    const leaf = byKey.get(key);
    if (forbidden !== undefined) {
      problems.push(
        argumentProblem(
          flag,
          `argument ${flag} uses the key '${forbidden}', which is rejected to prevent prototype pollution. Remove it.`,
        ),
      );
    } else if (leaf === undefined) {
      const suggestion = didYouMean(key, keys);
      const inSection = sections.has(key.split('.')[0] ?? '');
      if (inSection || suggestion !== '') {
        problems.push(
          argumentProblem(
            flag,
            `unknown argument ${flag}${suggestion}. Remove it or fix its name.`,
          ),
        );
      }
    } else {
      out.push(assign(leaf, value, `argument ${flag}`));
    }
  }
  return out;
}
