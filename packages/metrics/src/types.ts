import type { LoggerLike } from '@shipshape/contracts';

/**
 * Where collector failures are reported: a winston, pino or bunyan logger, `console` or
 * @shipshape/logger's, as they are (`LoggerLike` of @shipshape/contracts); no field is dropped.
 */
export type MetricsLogger = LoggerLike;

/** Any listener; `any` so that every EventEmitter subclass (knex, BullMQ) fits structurally. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type EventListenerLike = (...args: any[]) => void;

/** A minimal event source: the subset of EventEmitter the bridges use. */
export interface EventSourceLike {
  on(event: string, listener: EventListenerLike): unknown;
  off?(event: string, listener: EventListenerLike): unknown;
  removeListener?(event: string, listener: EventListenerLike): unknown;
}

/** Label values keyed by label name. */
export type Labels = Record<string, string | number>;

/** Something that can be undone: stops listening, removes collectors. */
export type Teardown = () => void;

export function detach(source: EventSourceLike, event: string, listener: EventListenerLike): void {
  if (typeof source.off === 'function') source.off(event, listener);
  else if (typeof source.removeListener === 'function') source.removeListener(event, listener);
}
