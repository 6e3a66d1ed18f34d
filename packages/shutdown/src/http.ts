// The entry point @shipshape/shutdown/http: the HTTP drain on its own, for code that runs its own shutdown.
export { closeHttpServer } from './close-http-server.js';
export type { CloseHttpServerOptions, CloseHttpServerResult } from './close-http-server.js';
export type { HttpServerLike } from './http-server-tracker.js';
