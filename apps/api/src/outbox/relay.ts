import type { LoggerLike } from '../logger-like.js';
import type { EnsureOutcome } from '../queue/order-queue.js';
import type { ClaimedRecord, OutboxRecord, OutboxStats, OutboxStore } from './outbox-store.js';

export interface OutboxRelayOptions {
  readonly store: OutboxStore;
  /** Makes sure the order's job exists and can run (add when missing, retry when failed). */
  readonly publish: (record: OutboxRecord) => Promise<EnsureOutcome>;
  readonly logger: LoggerLike;
  readonly pollIntervalMs: number;
  /** How long a claimed record stays with this relay before another may take it. */
  readonly leaseMs: number;
  /** How long after a publish the order is checked again (retried, re-added or let go). */
  readonly recheckIntervalMs: number;
  readonly batchSize: number;
  readonly observer?: OutboxObserver;
}

/** What the relay reports, for metrics. */
export interface OutboxObserver {
  published(outcome: EnsureOutcome | 'error'): void;
  settled(count: number): void;
  stats(stats: OutboxStats): void;
  pollFailed(): void;
}

export interface OutboxRelay {
  start(): void;
  /** Stops polling and waits for the batch in hand (its leases let another replica take the rest). */
  stop(): Promise<void>;
  /** One pass over the due records; resolves with how many were claimed. */
  runOnce(): Promise<number>;
}

/** The longest back-off between publish attempts of one record while Redis is unreachable. */
const MAX_ERROR_BACKOFF_MS = 30_000;

/**
 * Publishes what the request path did not, and watches every order until it is settled: a record
 * stays in the outbox until its order is confirmed or failed, checked every `recheckIntervalMs`.
 * A check re-adds a job that was lost (Redis restarted without persistence) and retries one that ran
 * out of attempts while a dependency was down, so no pending order is left behind.
 */
export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const { store, publish, logger, observer } = options;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<unknown> | undefined;
  let stopped = true;
  let failing = false;

  async function settle(records: readonly ClaimedRecord[]): Promise<void> {
    const settled = records.filter((record) => record.orderStatus !== 'pending');
    if (settled.length === 0) return;
    await store.remove(settled.map((record) => record.orderId));
    observer?.settled(settled.length);
  }

  async function publishOne(record: ClaimedRecord): Promise<void> {
    try {
      const outcome = await publish(record);
      observer?.published(outcome);
      if (outcome === 'added' && record.attempts > 1) {
        logger.warn('order job was missing from the queue; published it again', {
          order_id: record.orderId,
        });
      } else if (outcome === 'added') {
        logger.info('order job published by the outbox relay', { order_id: record.orderId });
      } else if (outcome === 'retried') {
        logger.warn('order job had run out of attempts; retrying it with a fresh budget', {
          order_id: record.orderId,
        });
      }
      await store.reschedule([record.orderId], options.recheckIntervalMs);
    } catch (error) {
      observer?.published('error');
      const backoff = Math.min(
        MAX_ERROR_BACKOFF_MS,
        options.pollIntervalMs * 2 ** Math.min(record.attempts, 10),
      );
      logger.debug('outbox publish failed; will retry', { order_id: record.orderId, err: error });
      await store.reschedule(
        [record.orderId],
        backoff,
        error instanceof Error ? error.message : String(error),
      );
    }
  }

  async function runOnce(): Promise<number> {
    const claimed = await store.claimDue(options.batchSize, options.leaseMs);
    await settle(claimed);
    await Promise.all(claimed.filter((record) => record.orderStatus === 'pending').map(publishOne));
    observer?.stats(await store.stats());
    return claimed.length;
  }

  async function poll(): Promise<void> {
    let claimed = 0;
    try {
      claimed = await runOnce();
      if (failing) logger.info('outbox relay recovered');
      failing = false;
    } catch (error) {
      observer?.pollFailed();
      if (!failing) logger.warn('outbox relay cannot reach its database; retrying', { err: error });
      failing = true;
    }
    if (stopped) return;
    // A full batch means more are due: go on at once, without waiting for the next tick.
    timer = setTimeout(tick, claimed >= options.batchSize ? 0 : options.pollIntervalMs);
  }

  function tick(): void {
    inFlight = poll();
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      timer = setTimeout(tick, 0);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await inFlight;
    },
    runOnce,
  };
}
