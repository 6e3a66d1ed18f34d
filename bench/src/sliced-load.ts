import { reported, startChild, type Child } from './child.js';
import type { BenchOptions } from './options.js';

/** One-second slices per server and round: every contender gets the same stretch of the host's time. */
export const SLICES_PER_ROUND = 5;

/** What one request sends: a GET by default, or a method with a JSON body. */
export interface SlicedRequest {
  readonly path: string;
  readonly connections: number;
  readonly method?: string;
  readonly body?: string;
}

/**
 * Loads servers that run side by side in turn, in one-second slices (`children/load-cycle.ts`, on
 * the load core), each stopped outside its own slices. Resolves with each server's figures by port.
 */
export async function loadInSlices(
  servers: readonly { readonly child: Child; readonly port: number }[],
  request: SlicedRequest,
  options: BenchOptions,
): Promise<Record<string, Record<string, unknown>>> {
  const [warmup, slice, cycles] = options.smoke
    ? ['0.5', '0.5', '1']
    : ['1', '1', String(SLICES_PER_ROUND)];
  const generator = startChild(
    'load-cycle',
    [
      ...(request.method === undefined ? [] : ['--method', request.method]),
      ...(request.body === undefined ? [] : ['--body', request.body]),
      request.path,
      String(request.connections),
      warmup,
      slice,
      cycles,
      ...servers.map(({ child, port }) => `${child.process.pid ?? 0}:${port}`),
    ],
    options.pinning.load,
  );
  const { results } = (await generator.ready) as {
    results: Record<string, Record<string, unknown>>;
  };
  await generator.exited;
  return results;
}

/** A server's figures of one round, by port; a server the load generator did not reach is named. */
export function figuresOf(
  results: Record<string, Record<string, unknown>>,
  port: number,
  name: string,
): Record<string, unknown> {
  const figures = results[String(port)];
  if (figures === undefined) throw new Error(`${name}: the load generator measured nothing`);
  return figures;
}

/** req/s, p99 and the time per request, from a load generator's figures. */
export function requestFigures(load: Record<string, unknown>): Record<string, number> {
  const rps = reported(load, 'requests_per_second');
  return {
    requests_per_second: rps,
    latency_p99_ms: reported(load, 'latency_p99_ms'),
    time_per_request_us: 1_000_000 / rps,
  };
}
