import type { EventSourceLike, KnexLike, WorkerLike } from '@shipshape/metrics';

/*
 * @shipshape/metrics types listeners as `(...args: never[]) => void`. Real emitters (knex, BullMQ's
 * Worker, Health, Shutdown) declare `(...args: any[])` or specific event types, which TypeScript's
 * strict callback-parameter check rejects although the objects work at run time. These helpers
 * confine the resulting type assertion to one place until the package's types accept them.
 */

type Emitter = object;

export const asEventSource = (emitter: Emitter): EventSourceLike =>
  emitter as unknown as EventSourceLike;

export const asKnexSource = (db: Emitter): KnexLike => db as unknown as KnexLike;

export const asWorkerSource = (worker: Emitter): WorkerLike => worker as unknown as WorkerLike;
