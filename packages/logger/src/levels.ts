import { LoggerError } from './errors.js';

/** The four levels, most severe first. */
export type Level = 'error' | 'warn' | 'info' | 'debug';

/** Severity numbers: a line is written when its number is <= the active threshold. */
export const LEVEL_VALUES: Readonly<Record<Level, number>> = {
  error: 0,
  warn: 1,
  info: 2,
  debug: 3,
};

export const LEVEL_NAMES: readonly Level[] = ['error', 'warn', 'info', 'debug'];

export function isLevel(value: unknown): value is Level {
  return value === 'error' || value === 'warn' || value === 'info' || value === 'debug';
}

export function assertLevel(value: unknown, where: string): Level {
  if (isLevel(value)) return value;
  throw new LoggerError(
    'LOGGER_INVALID_LEVEL',
    `${where}: log level ${typeof value === 'string' ? JSON.stringify(value) : String(value)} is not one of ${LEVEL_NAMES.join(', ')}. ` +
      'Use one of those names (LOG_LEVEL=info is the usual production setting).',
  );
}
