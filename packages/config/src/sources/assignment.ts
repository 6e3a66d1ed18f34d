import type { ConfigProblem } from '../config-error.js';
import { findForbiddenKey } from '../forbidden-keys.js';
import type { ResolvedLeaf } from '../leaves.js';
import { displayValue } from '../redact.js';

/** A value one source gives one key; `usable: false` when it could not be read as the key's format. */
export type Assignment =
  | {
      readonly leaf: ResolvedLeaf;
      readonly source: string;
      readonly usable: true;
      readonly raw: unknown;
      readonly value: unknown;
    }
  | {
      readonly leaf: ResolvedLeaf;
      readonly source: string;
      readonly usable: false;
      readonly raw: unknown;
      readonly problem: ConfigProblem;
    };

/** Builds a problem about one key, redacting the received value when the key is sensitive. */
export function leafProblem(
  leaf: ResolvedLeaf,
  details: {
    readonly source: string | undefined;
    readonly message: string;
    readonly received?: unknown;
  },
): ConfigProblem {
  const hasValue = 'received' in details;
  return {
    key: leaf.key,
    env: leaf.env,
    format: leaf.rule.label,
    received: hasValue ? displayValue(details.received, leaf.sensitive) : undefined,
    source: details.source,
    message: details.message,
  };
}

/** For a sensitive URL, what may be said about it without the secret: its protocol. */
function sensitiveHint(leaf: ResolvedLeaf, received: unknown): string {
  if (!leaf.sensitive || !leaf.rule.label.startsWith('url') || typeof received !== 'string')
    return '';
  // Only a conventional `scheme://` prefix is named: a pasted password like `p4ss:word` must not be.
  const scheme = /^([a-z][a-z0-9+.-]{0,15}:)\/\//i.exec(received);
  return scheme === null
    ? ' (not a scheme:// URL)'
    : ` (a URL with protocol ${(scheme[1] ?? '').toLowerCase()})`;
}

export function invalidValueMessage(leaf: ResolvedLeaf, received: unknown, source: string): string {
  return (
    `${leaf.key}: expected ${leaf.rule.expected}, received ${displayValue(received, leaf.sensitive)}${sensitiveHint(leaf, received)} ` +
    `from ${source}. Set ${leaf.env} (or --${leaf.key}) to a valid value.`
  );
}

function pollutionProblem(
  leaf: ResolvedLeaf,
  source: string,
  forbidden: string,
  raw: unknown,
): Assignment {
  return {
    leaf,
    source,
    usable: false,
    raw,
    problem: leafProblem(leaf, {
      source,
      message:
        `${leaf.key}: the value from ${source} contains the key '${forbidden}', which is rejected ` +
        'to prevent prototype pollution. Remove it.',
    }),
  };
}

/** Turns a raw value from any source into an assignment: text is parsed by the key's format. */
export function assign(leaf: ResolvedLeaf, raw: unknown, source: string): Assignment {
  let value = raw;
  if (typeof raw === 'string') {
    const parsed = leaf.rule.parse(raw);
    if (!parsed.ok) {
      return {
        leaf,
        source,
        usable: false,
        raw,
        problem: leafProblem(leaf, {
          source,
          received: raw,
          message: invalidValueMessage(leaf, raw, source),
        }),
      };
    }
    value = parsed.value;
  }
  const forbidden = findForbiddenKey(value);
  if (forbidden !== undefined) return pollutionProblem(leaf, source, forbidden, raw);
  return { leaf, source, usable: true, raw, value };
}
