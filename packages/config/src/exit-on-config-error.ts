import { formatConfigProblems, isConfigError } from './config-error.js';
import { maskUrlCredentials } from './redact.js';

/** EX_CONFIG from sysexits.h: "configuration error". */
export const EX_CONFIG = 78;

export interface ExitOnConfigErrorOptions {
  /** Where the message goes. Default: `process.stderr`. */
  readonly stderr?: { write(text: string): unknown };
  /** Ends the process. Default: `process.exit`. */
  readonly exit?: (code: number) => void;
}

/**
 * Another package's check of the options the configuration fed it: an Error whose code ends in
 * `_CONFIG_INVALID` (@shipshape/shutdown's `ShutdownConfigError`) or `_INVALID_OPTIONS`
 * (`LOGGER_INVALID_OPTIONS`, `METRICS_INVALID_OPTIONS`, `TELEMETRY_INVALID_OPTIONS`;
 * @shipshape/health's singular `HEALTH_INVALID_OPTION` too).
 */
const OPTIONS_ERROR_CODE = /^[A-Z][A-Z0-9_]*_(?:CONFIG_INVALID|INVALID_OPTIONS?)$/;

function isOptionsError(error: unknown): error is Error & { code: string } {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && OPTIONS_ERROR_CODE.test(code);
}

function configErrorText(error: unknown): string | undefined {
  if (isConfigError(error)) return error.message;
  if (!isOptionsError(error)) return undefined;
  return formatConfigProblems([
    {
      key: error.code,
      env: undefined,
      format: undefined,
      received: undefined,
      source: undefined,
      message: maskUrlCredentials(error.message),
    },
  ]);
}

/**
 * For a `ConfigError`, or another package's options error (code ending in `_CONFIG_INVALID` or
 * `_INVALID_OPTIONS`): writes one multi-line message to stderr and exits with 78 (EX_CONFIG).
 * Anything else is rethrown untouched.
 * Never returns: if an injected `exit` returns, the error is rethrown.
 */
export function exitOnConfigError(error: unknown, options: ExitOnConfigErrorOptions = {}): never {
  const text = configErrorText(error);
  if (text === undefined) throw error;
  const stderr = options.stderr ?? process.stderr;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  stderr.write(`${text}\nExiting with code ${EX_CONFIG} (EX_CONFIG).\n`);
  exit(EX_CONFIG);
  throw error;
}
