import { describe, expect, it } from 'vitest';
import {
  createOrderBody,
  getOrderQuery,
  idempotencyKey,
  listOrdersQuery,
  MAX_TOTAL_CENTS,
} from './validation.js';

describe('request schemas', () => {
  it('parses long-poll timeouts as durations, capped at 30 s', () => {
    expect(getOrderQuery.parse({ wait: 'confirmed', timeout: '10s' })).toEqual({
      wait: 'confirmed',
      timeout: 10_000,
    });
    expect(getOrderQuery.parse({ wait: 'confirmed', timeout: '500ms' }).timeout).toBe(500);
    expect(getOrderQuery.parse({ wait: 'confirmed', timeout: '7' }).timeout).toBe(7000);
    expect(getOrderQuery.safeParse({ wait: 'confirmed', timeout: '31s' }).success).toBe(false);
    expect(getOrderQuery.safeParse({ wait: 'confirmed', timeout: '1m' }).success).toBe(false);
    expect(getOrderQuery.safeParse({ timeout: '5s' }).success).toBe(false);
  });

  it('reads list limits as whole numbers from 1 to 100', () => {
    expect(listOrdersQuery.parse({ limit: '100' }).limit).toBe(100);
    for (const limit of ['0', '101', '1.5', '-1', 'ten'])
      expect(listOrdersQuery.safeParse({ limit }).success).toBe(false);
    expect(listOrdersQuery.safeParse({ limit: ['1', '2'] }).success).toBe(false);
  });

  it('rejects an order whose total does not fit a 32-bit integer column', () => {
    const order = (quantity: number, unit_price_cents: number) => ({
      customer_email: 'a@b.co',
      items: [{ sku: 'X', quantity, unit_price_cents }],
    });
    expect(createOrderBody.safeParse(order(21, 100_000_000)).success).toBe(true);
    expect(createOrderBody.safeParse(order(22, 100_000_000)).success).toBe(false);
    expect(22 * 100_000_000).toBeGreaterThan(MAX_TOTAL_CENTS);
  });

  it('accepts Idempotency-Keys of printable ASCII up to 255 characters', () => {
    expect(idempotencyKey.safeParse('a'.repeat(255)).success).toBe(true);
    for (const key of ['', 'a'.repeat(256), 'with space', 'tab\there', 'ünï'])
      expect(idempotencyKey.safeParse(key).success).toBe(false);
  });
});
