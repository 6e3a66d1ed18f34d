import express, { type Express, type RequestHandler } from 'express';
import type { LoggerLike } from '../logger-like.js';
import { errorHandler, notFoundHandler, type ErrorHandlerOptions } from './error-handler.js';
import { ordersRoutes, type OrdersRoutesOptions } from './orders-routes.js';
import { securityHeaders } from './security-headers.js';

export interface AppOptions extends OrdersRoutesOptions, ErrorHandlerOptions {
  readonly logger: LoggerLike;
  /** Runs first on every request: request context, access log, metrics. */
  readonly middleware?: readonly RequestHandler[];
  /** Largest accepted JSON body in bytes (larger → 413 before it is read). */
  readonly bodyLimitBytes?: number;
}

export const APP_DEFAULTS = { bodyLimitBytes: 100 * 1024 } as const;

/** The public Express app: the orders API and nothing else (probes and metrics live on the admin port). */
export function createApp(options: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  // Responses are never cached (Cache-Control: no-store), so ETags would only cost a hash per response.
  app.set('etag', false);
  app.use(securityHeaders);
  for (const handler of options.middleware ?? []) app.use(handler);
  app.use(
    express.json({
      limit: options.bodyLimitBytes ?? APP_DEFAULTS.bodyLimitBytes,
      type: 'application/json',
      strict: true,
    }),
  );
  app.use(ordersRoutes(options));
  app.use(notFoundHandler);
  app.use(errorHandler(options.logger, options));
  return app;
}
