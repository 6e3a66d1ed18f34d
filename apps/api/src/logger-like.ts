type LogMethod = (message: string, fields?: Record<string, unknown>) => void;

/** What the app needs from a logger (the shape @shipshape/logger's Logger satisfies). */
export interface LoggerLike {
  error: LogMethod;
  warn: LogMethod;
  info: LogMethod;
  debug: LogMethod;
}
