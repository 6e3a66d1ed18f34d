/** Keys that could reach `Object.prototype` through a merge (convict#410, #423, #424, #426). */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set([
  '__proto__',
  'constructor',
  'prototype',
]);

export function isForbiddenKey(key: string): boolean {
  return FORBIDDEN_KEYS.has(key);
}

/**
 * Returns the dotted path of the first forbidden key anywhere inside `value`
 * (own keys only, arrays included), or `undefined` when there is none.
 */
export function findForbiddenKey(value: unknown, prefix = ''): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  for (const key of Object.keys(value)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (isForbiddenKey(key)) return path;
    const found = findForbiddenKey((value as Record<string, unknown>)[key], path);
    if (found !== undefined) return found;
  }
  return undefined;
}
