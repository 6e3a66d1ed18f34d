import type { SchemaSection } from './schema.js';

/**
 * Returns `schema` unchanged, keeping its literal types (`format: 'duration'`, `['json', 'pretty']`) so a
 * schema declared apart from `loadConfig` still infers `number`, unions and so on. Same as `as const`.
 */
export function defineSchema<const S extends SchemaSection>(schema: S): S {
  return schema;
}
