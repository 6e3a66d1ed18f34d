/**
 * Derives an environment variable name from a dotted key path:
 * `server.port` → `SERVER_PORT`, `shutdown.drainDelay` → `SHUTDOWN_DRAIN_DELAY`.
 */
export function envNameFor(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();
}
