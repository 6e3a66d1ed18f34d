// The root entry point: load a schema into a typed, frozen config (or exit 78), its error class and
// guard, and redacted dumps. Ready-made schema sections are in @shipshape/config/fragments, the
// README-table and describe tools in @shipshape/config/docs, the text parsers and the loader's
// constants in @shipshape/config/parse.
export { loadConfig } from './load-config.js';
export { loadConfigOrExit } from './load-config-or-exit.js';
export { defineSchema } from './define-schema.js';
export { ConfigError, isConfigError } from './config-error.js';
export { ConfigSchemaError } from './schema-error.js';
export { exitOnConfigError, EX_CONFIG } from './exit-on-config-error.js';
export { redactConfig } from './redact-config.js';
export { maskUrlCredentials } from './redact.js';

export type { LoadConfigOptions } from './load-config.js';
export type { ConfigProblem } from './config-error.js';
export type { ConfigRule } from './rules.js';
export type { ExitOnConfigErrorOptions } from './exit-on-config-error.js';
export type {
  Config,
  DeepReadonly,
  EnvLike,
  FormatFunction,
  FormatName,
  FormatSpec,
  Inferred,
  LeafValue,
  LogLevel,
  SchemaLeaf,
  SchemaSection,
} from './schema.js';
