/** Anything that logs; structurally compatible with @shipshape/logger and most loggers. */
export interface MetricsLogger {
  error(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  debug(message: string, fields?: Record<string, unknown>): void;
}

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
