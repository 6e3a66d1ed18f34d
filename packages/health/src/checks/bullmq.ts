import type { HealthCheck } from '../types.js';

/** The part of a BullMQ Worker the check uses. */
export interface BullmqWorkerCheckTarget {
  readonly name?: string;
  readonly closing?: unknown;
  isRunning(): boolean;
  isPaused(): boolean;
}

/** Passes while the worker is running, not paused and not closing. */
export function bullmqWorkerCheck(worker: BullmqWorkerCheckTarget): HealthCheck {
  return () => {
    const queue = typeof worker.name === 'string' ? `queue "${worker.name}"` : 'its queue';
    if (worker.closing !== undefined && worker.closing !== null && worker.closing !== false) {
      return Promise.reject(new Error(`BullMQ worker for ${queue} is closing`));
    }
    if (!worker.isRunning()) {
      return Promise.reject(
        new Error(`BullMQ worker for ${queue} is not running; call worker.run() or check its logs`),
      );
    }
    if (worker.isPaused()) {
      return Promise.reject(
        new Error(`BullMQ worker for ${queue} is paused; resume() it to process jobs`),
      );
    }
    return Promise.resolve(undefined);
  };
}
