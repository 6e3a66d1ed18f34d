import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './cursor.js';

const ID = '01a21bcc-9761-778d-bc0f-943b441244c6';

describe('keyset cursor', () => {
  it('round-trips an order id as URL-safe text', () => {
    const cursor = encodeCursor(ID);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toBe(ID);
  });

  it('rejects cursors it did not issue', () => {
    const forged = [
      'garbage',
      Buffer.from(JSON.stringify({ v: 2, id: ID })).toString('base64url'),
      Buffer.from(JSON.stringify({ v: 1, id: "x' OR 1=1 --" })).toString('base64url'),
      Buffer.from('null').toString('base64url'),
    ];
    for (const cursor of forged) expect(decodeCursor(cursor)).toBeUndefined();
  });
});
