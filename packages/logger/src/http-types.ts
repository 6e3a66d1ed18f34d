import type { IncomingMessage, ServerResponse } from 'node:http';

/** A node:http / Express / Connect middleware. */
export type Middleware = (
  req: IncomingMessage,
  res: ServerResponse,
  next: (error?: unknown) => void,
) => void;
