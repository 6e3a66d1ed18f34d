import { setTimeout as sleep } from 'node:timers/promises';
import type { OrdersRepository } from './repository.js';
import type { Order } from './types.js';

export interface WaitOptions {
  readonly timeoutMs: number;
  /** Aborted on shutdown or when the client goes away: answer with the current state at once. */
  readonly signal: AbortSignal;
  /** First re-read delay; grows 1.5× per round up to {@link MAX_POLL_INTERVAL_MS}. */
  readonly pollIntervalMs?: number;
}

const DEFAULT_POLL_INTERVAL_MS = 50;
const MAX_POLL_INTERVAL_MS = 500;

/**
 * Re-reads the order until the worker has confirmed it, the timeout passes, or the signal aborts;
 * returns the latest state either way (undefined if the order does not exist).
 */
export async function waitForConfirmation(
  repository: OrdersRepository,
  id: string,
  { timeoutMs, signal, pollIntervalMs = DEFAULT_POLL_INTERVAL_MS }: WaitOptions,
): Promise<Order | undefined> {
  const deadline = Date.now() + timeoutMs;
  let interval = pollIntervalMs;
  for (;;) {
    const order = await repository.findById(id);
    const remaining = deadline - Date.now();
    if (order?.status !== 'pending' || remaining <= 0 || signal.aborted) return order;
    try {
      await sleep(Math.min(interval, remaining), undefined, { signal });
    } catch {
      // Aborted: fall through to one last read so the answer is current.
    }
    interval = Math.min(interval * 1.5, MAX_POLL_INTERVAL_MS);
  }
}
