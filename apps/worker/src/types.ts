/** Anything with the four level methods (the logger package's `Logger` fits). */
export interface LoggerLike {
  error(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  debug(message: string, fields?: Record<string, unknown>): void;
}

/** Fields every log line inside a job carries (the logger package's `runInJobContext` input). */
export interface JobContextFields {
  job_id: string;
  queue: string;
  /** Written as `messaging.system` on every line of the job. */
  system?: string;
  request_id?: string;
}

/** Runs `fn` with job context for log lines (the logger package's `runInJobContext` fits). */
export type RunInJobContext = <T>(fields: JobContextFields, fn: () => T) => T;
