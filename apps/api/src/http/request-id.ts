import type { Response } from 'express';

/** The request id the logger's requestContext() middleware assigned (it echoes it as X-Request-Id). */
export function requestIdOf(res: Response): string | undefined {
  const value = res.getHeader('x-request-id');
  return typeof value === 'string' && value !== '' ? value : undefined;
}
