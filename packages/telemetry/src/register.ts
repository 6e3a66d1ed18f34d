/**
 * `node --import @shipshape/telemetry/register app.js`: starts telemetry before the app loads.
 * The app imports `telemetry` from here (the same module instance) to register its shutdown.
 */
import { enableCompileCache } from 'node:module';

// The first code the process runs: every module loaded after this (the SDK, the app) is compiled
// once and then read from Node's on-disk cache (NODE_COMPILE_CACHE, else the OS temp directory).
enableCompileCache();

const { startTelemetry } = await import('./start.js');

export const telemetry = await startTelemetry();
