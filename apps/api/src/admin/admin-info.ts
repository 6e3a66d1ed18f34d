/**
 * What both apps report at `GET /admin/info`, under the same names. The API and the worker each
 * keep a copy of this file (they cannot import each other); a test pins the copies equal.
 */

/** The keys every app's /admin/info has; an app adds its own after them. */
export const COMMON_INFO_KEYS = [
  'service',
  'version',
  'commit',
  'node_version',
  'pid',
  'started_at',
  'uptime_seconds',
  'database',
  'queue',
  'queue_prefix',
  'telemetry',
] as const;

export interface InfoFacts {
  readonly service: string;
  readonly version: string;
  readonly commit: string;
  /** `sqlite` or `postgres`. */
  readonly database: string;
  /** The BullMQ queue name and key prefix, which the two apps must share. */
  readonly queue: string;
  readonly queuePrefix: string;
  readonly telemetry: boolean;
}

/**
 * The body of `GET /admin/info`: the common facts, then the app's own (`extras`, read on every
 * request, never secrets). An extra cannot replace a common key.
 */
export function adminInfo(
  facts: InfoFacts,
  extras: () => Readonly<Record<string, unknown>> = () => ({}),
): () => Record<string, unknown> {
  // When the process started (not when this was called), so it agrees with uptime_seconds.
  const startedAt = new Date(performance.timeOrigin).toISOString();
  return () => {
    const common: Record<(typeof COMMON_INFO_KEYS)[number], unknown> = {
      service: facts.service,
      version: facts.version,
      commit: facts.commit,
      node_version: process.version,
      pid: process.pid,
      started_at: startedAt,
      uptime_seconds: Math.round(process.uptime()),
      database: facts.database,
      queue: facts.queue,
      queue_prefix: facts.queuePrefix,
      telemetry: facts.telemetry,
    };
    const own = Object.fromEntries(
      Object.entries(extras()).filter(([key]) => !Object.hasOwn(common, key)),
    );
    return { ...common, ...own };
  };
}
