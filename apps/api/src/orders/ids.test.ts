import { describe, expect, it } from 'vitest';
import { createIdGenerator, isOrderId } from './ids.js';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('createIdGenerator (UUIDv7)', () => {
  it('writes the millisecond timestamp into the first 48 bits', () => {
    const id = createIdGenerator(() => 0x0123456789ab)();
    expect(id).toMatch(V7);
    expect(id.replaceAll('-', '').slice(0, 12)).toBe('0123456789ab');
  });

  it('stays strictly increasing within one millisecond and across a 4096-id burst', () => {
    const next = createIdGenerator(() => 1_800_000_000_000);
    const ids = Array.from({ length: 5000 }, next);
    expect(ids.every((id) => V7.test(id))).toBe(true);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('sorts by creation time across milliseconds, even when the clock steps back', () => {
    let now = 1_800_000_000_000;
    const next = createIdGenerator(() => now);
    const first = next();
    now += 5;
    const second = next();
    now -= 3;
    const third = next();
    expect([first, second, third]).toEqual([first, second, third].sort());
  });

  it('isOrderId accepts ids it generates and nothing else', () => {
    expect(isOrderId(createIdGenerator()())).toBe(true);
    for (const bad of [
      '',
      'abc',
      "01a21bcc-9761-778d-bc0f-943b441244c6' OR 1=1",
      '01A21BCC-9761-778D-BC0F-943B441244C6',
    ]) {
      expect(isOrderId(bad)).toBe(false);
    }
  });
});
