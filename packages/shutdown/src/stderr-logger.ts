import type { ShutdownLogger } from './types.js';

function serialise(value: unknown): unknown {
  if (value instanceof Error) {
    return { type: value.name, message: value.message, stack: value.stack };
  }
  return value;
}

function write(level: string, message: string, fields?: Record<string, unknown>): void {
  const line: Record<string, unknown> = { timestamp: new Date().toISOString(), level, message };
  for (const [key, value] of Object.entries(fields ?? {})) line[key] = serialise(value);
  process.stderr.write(`${JSON.stringify(line)}\n`);
}

/** The logger used when none is given: one JSON line per event on stderr (debug dropped). */
export const stderrLogger: ShutdownLogger = {
  error: (message, fields) => {
    write('error', message, fields);
  },
  warn: (message, fields) => {
    write('warn', message, fields);
  },
  info: (message, fields) => {
    write('info', message, fields);
  },
  debug: () => undefined,
};
