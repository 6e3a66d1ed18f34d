import { isOrderId } from './ids.js';

/**
 * Opaque keyset cursor: the id of the last order on the page, base64url-encoded so clients do
 * not build it themselves. Ids are time-ordered, so "older than this id" is the next page.
 */
export function encodeCursor(lastId: string): string {
  return Buffer.from(JSON.stringify({ v: 1, id: lastId })).toString('base64url');
}

/** Returns the id, or undefined when the cursor was not issued by this API. */
export function decodeCursor(cursor: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { v, id } = parsed as { v?: unknown; id?: unknown };
    return v === 1 && typeof id === 'string' && isOrderId(id) ? id : undefined;
  } catch {
    return undefined;
  }
}
