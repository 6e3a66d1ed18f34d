import { isConfigError } from './config-error.js';

/** EX_CONFIG from sysexits.h: "configuration error". */
export const EX_CONFIG = 78;

export interface ExitOnConfigErrorOptions {
  /** Where the message goes. Default: `process.stderr`. */
  readonly stderr?: { write(text: string): unknown };
  /** Ends the process. Default: `process.exit`. */
  readonly exit?: (code: number) => void;
}

/**
 * For a `ConfigError`: writes its multi-line message to stderr and exits with 78 (EX_CONFIG).
 * Anything else is rethrown untouched. Never returns: if an injected `exit` returns, the error is rethrown.
 */
export function exitOnConfigError(error: unknown, options: ExitOnConfigErrorOptions = {}): never {
  if (!isConfigError(error)) throw error;
  const stderr = options.stderr ?? process.stderr;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  stderr.write(`${error.message}\nExiting with code ${EX_CONFIG} (EX_CONFIG).\n`);
  exit(EX_CONFIG);
  throw error;
}
