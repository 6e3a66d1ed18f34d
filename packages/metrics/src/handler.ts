import type { IncomingMessage, ServerResponse } from 'node:http';
import { CONTENT_TYPES } from './format.js';
import type { ExpositionFormat } from './format.js';
import { negotiateFormat } from './negotiate.js';
import type { MetricsLogger } from './types.js';

export type MetricsHandler = (req: IncomingMessage, res: ServerResponse) => void;

type Serialize = (
  format: ExpositionFormat,
  write: (chunk: string) => void,
  pause?: () => Promise<void> | 'stop' | undefined,
) => Promise<void>;

/** node:http handler for `/metrics`: negotiates the format and streams the output in slices. */
export function createMetricsHandler(
  serialize: Serialize,
  logger: MetricsLogger | undefined,
): MetricsHandler {
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
      res.end('metrics: only GET and HEAD are supported\n');
      return;
    }
    const format = negotiateFormat(req.headers.accept);
    if (req.method === 'HEAD') {
      res.writeHead(200, { 'content-type': CONTENT_TYPES[format], 'cache-control': 'no-store' });
      res.end();
      return;
    }
    let started = false;
    let full = false;
    const write = (chunk: string): void => {
      if (!started) {
        started = true;
        res.writeHead(200, { 'content-type': CONTENT_TYPES[format], 'cache-control': 'no-store' });
      }
      if (!res.destroyed) full = !res.write(chunk) || full;
    };
    // Stop when the scraper hung up; wait for 'drain' instead of buffering a whole large scrape.
    const pause = (): Promise<void> | 'stop' | undefined => {
      if (res.destroyed) return 'stop';
      if (!full) return undefined;
      full = false;
      return new Promise<void>((resolve) => {
        const done = (): void => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    };
    serialize(format, write, pause).then(
      () => {
        if (!res.destroyed) res.end();
      },
      (error: unknown) => {
        logger?.error('metrics: scrape failed; the /metrics response is incomplete', {
          err: error,
        });
        if (started) {
          res.destroy(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(
          `metrics: scrape failed: ${error instanceof Error ? error.message : String(error)}\n`,
        );
      },
    );
  };
}
