export { createShutdown } from './shutdown.js';
export { ShutdownConfigError, isShutdownConfigError } from './errors.js';

export type { AddHttpServerOptions, Shutdown } from './shutdown-api.js';
export type { ShutdownOptions } from './options.js';
export type { HttpServerLike } from './http-server-tracker.js';
export type {
  HookEvent,
  HookFn,
  HookOptions,
  HookOutcome,
  PhaseEvent,
  ShutdownEvents,
  ShutdownLogger,
  ShutdownPhase,
  ShutdownState,
} from './types.js';
