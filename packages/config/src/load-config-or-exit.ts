import { exitOnConfigError, type ExitOnConfigErrorOptions } from './exit-on-config-error.js';
import { loadConfig, type LoadConfigOptions } from './load-config.js';
import type { Config, SchemaSection } from './schema.js';

/** `loadConfig`, and on a `ConfigError` print it and exit 78. Call it before opening any port. */
export function loadConfigOrExit<const S extends SchemaSection>(
  schema: S,
  options: LoadConfigOptions<Config<S>> & ExitOnConfigErrorOptions = {},
): Config<S> {
  try {
    return loadConfig(schema, options);
  } catch (error) {
    return exitOnConfigError(error, options);
  }
}
