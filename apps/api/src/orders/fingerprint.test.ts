import { describe, expect, it } from 'vitest';
import { canonicalJson, requestFingerprint } from './fingerprint.js';

describe('requestFingerprint', () => {
  it('is the same for the same content with keys in another order', () => {
    const a = { customer_email: 'a@b.co', items: [{ sku: 'X', quantity: 1, unit_price_cents: 5 }] };
    const b = { items: [{ unit_price_cents: 5, sku: 'X', quantity: 1 }], customer_email: 'a@b.co' };
    expect(requestFingerprint(a)).toBe(requestFingerprint(b));
    expect(requestFingerprint(a)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('differs when any value or the item order differs', () => {
    const base = { e: 'a', items: [{ s: 'X' }, { s: 'Y' }] };
    expect(requestFingerprint(base)).not.toBe(requestFingerprint({ ...base, e: 'b' }));
    expect(requestFingerprint(base)).not.toBe(
      requestFingerprint({ ...base, items: [{ s: 'Y' }, { s: 'X' }] }),
    );
  });

  it('canonicalJson sorts keys at every level and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: undefined } })).toBe(
      '{"a":{"d":[2,{"e":0,"f":1}]},"b":1}',
    );
  });
});
