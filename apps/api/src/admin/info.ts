import type { IncomingMessage, ServerResponse } from 'node:http';

export interface InfoOptions {
  readonly service: string;
  readonly version: string;
  readonly commit: string;
  /** Extra facts worth seeing at a glance (database kind, queue prefix); no secrets. */
  readonly details?: Readonly<Record<string, unknown>>;
}

/** `GET /admin/info`: what is running and for how long. */
export function infoHandler(
  options: InfoOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  const startedAt = new Date();
  return (_req, res) => {
    const body = JSON.stringify({
      service: options.service,
      version: options.version,
      commit: options.commit,
      node_version: process.version,
      pid: process.pid,
      started_at: startedAt.toISOString(),
      uptime_seconds: Math.round(process.uptime()),
      ...options.details,
    });
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(body);
  };
}
