export { createShutdown } from './shutdown.js';
export type { AddHttpServerOptions, Shutdown } from './shutdown-api.js';
export { closeHttpServer } from './close-http-server.js';
export type { CloseHttpServerOptions, CloseHttpServerResult } from './close-http-server.js';
export { trackHttpServer, HttpServerTracker } from './http-server-tracker.js';
export type { HttpServerLike } from './http-server-tracker.js';
export { DEFAULTS } from './options.js';
export type { ResolvedShutdownOptions, ShutdownOptions } from './options.js';
export { resolveShutdownOptions } from './options.js';
export { ShutdownConfigError } from './errors.js';
export type {
  HookEvent,
  HookFn,
  HookOptions,
  HookOutcome,
  LoggerLike,
  PhaseEvent,
  ShutdownEvents,
  ShutdownPhase,
  ShutdownState,
} from './types.js';
