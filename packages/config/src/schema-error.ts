/**
 * The schema itself is wrong (a programming error, not an operator's): unknown format, reserved key,
 * leaf without `default`. Thrown by `loadConfig` and `describeSchema` before any source is read.
 */
export class ConfigSchemaError extends Error {
  readonly code = 'CONFIG_SCHEMA_INVALID';

  constructor(message: string) {
    super(`Configuration schema is invalid: ${message}`);
    this.name = 'ConfigSchemaError';
  }
}
