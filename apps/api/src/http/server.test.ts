import { describe, expect, it } from 'vitest';
import { createHttpServer, SERVER_TIMEOUT_DEFAULTS } from './server.js';

describe('createHttpServer', () => {
  it('sets every timeout deliberately (keep-alive above a 60 s load balancer idle timeout)', () => {
    const server = createHttpServer(() => undefined);
    expect(server.requestTimeout).toBe(SERVER_TIMEOUT_DEFAULTS.requestTimeoutMs);
    expect(server.headersTimeout).toBe(SERVER_TIMEOUT_DEFAULTS.headersTimeoutMs);
    expect(server.keepAliveTimeout).toBe(SERVER_TIMEOUT_DEFAULTS.keepAliveTimeoutMs);
    expect(server.keepAliveTimeout).toBeGreaterThan(60_000);
    expect(server.timeout).toBe(0);
  });

  it('never lets headersTimeout exceed requestTimeout (node:http rejects that)', () => {
    const server = createHttpServer(() => undefined, {
      requestTimeoutMs: 5000,
      headersTimeoutMs: 20_000,
    });
    expect(server.headersTimeout).toBe(5000);
  });
});
