import { applyBounds } from './bounds.js';
import { envNameFor } from './env-name.js';
import { isForbiddenKey } from './forbidden-keys.js';
import { resolveFormat, type FormatRule } from './formats.js';
import type { SchemaLeaf, SchemaSection } from './schema.js';
import { ConfigSchemaError } from './schema-error.js';

/** One schema leaf with everything the loader needs resolved. */
export interface ResolvedLeaf {
  /** Dotted path: `server.port`. */
  readonly key: string;
  readonly path: readonly string[];
  readonly env: string;
  readonly sensitive: boolean;
  readonly rule: FormatRule;
  readonly spec: SchemaLeaf;
}

export function isLeaf(node: unknown): node is SchemaLeaf {
  return typeof node === 'object' && node !== null && !Array.isArray(node) && 'default' in node;
}

function isSection(node: unknown): node is SchemaSection {
  return typeof node === 'object' && node !== null && !Array.isArray(node) && !('default' in node);
}

function walk(section: SchemaSection, prefix: readonly string[], out: ResolvedLeaf[]): void {
  for (const name of Object.keys(section)) {
    const path = [...prefix, name];
    const key = path.join('.');
    if (isForbiddenKey(name)) {
      throw new ConfigSchemaError(`'${key}' uses the reserved name '${name}'. Rename the key.`);
    }
    if (name.includes('.')) {
      throw new ConfigSchemaError(`'${key}': key names cannot contain '.'.`);
    }
    const node = section[name];
    if (isLeaf(node)) {
      const format = resolveFormat(node);
      if (format === undefined) {
        throw new ConfigSchemaError(
          `'${key}' uses an unknown format ${JSON.stringify(node.format)}.`,
        );
      }
      const rule = applyBounds(key, node, format);
      const env = node.env ?? envNameFor(key);
      out.push({ key, path, env, sensitive: node.sensitive === true, rule, spec: node });
    } else if (isSection(node) && Object.keys(node).length > 0) {
      walk(node, path, out);
    } else {
      throw new ConfigSchemaError(
        `'${key}' is neither a value (an object with 'default') nor a non-empty section.`,
      );
    }
  }
}

/** Flattens a schema into its leaves, in declaration order. Throws `ConfigSchemaError`. */
export function resolveLeaves(schema: SchemaSection): ResolvedLeaf[] {
  if (!isSection(schema)) throw new ConfigSchemaError('the schema must be an object of sections.');
  const out: ResolvedLeaf[] = [];
  walk(schema, [], out);
  return out;
}
