import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { redisKeys, startDemo } from './lib/shell-blocks-demo.js';
import { readmeCommands, repoRoot } from './repo.js';

const dataDir = mkdtempSync(join(tmpdir(), 'shipshape-demo-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

interface HealthResponse {
  status: string;
  checks?: Record<string, { componentId: string; status: string }[]>;
}

describe('the README demo command', () => {
  it('starts the API and the worker, confirms an order end to end, and stops gracefully on Ctrl-C (SIGINT to the whole process group)', async () => {
    expect(readmeCommands().demo).toBe('npm run demo');
    const queuePrefix = `demo-test-${process.pid}-${Date.now()}`;
    const demo = await startDemo({
      repoRoot,
      databaseFile: join(dataDir, 'demo.sqlite'),
      queuePrefix,
    });
    const { api, apiAdmin, workerAdmin } = demo.ports;
    try {
      const created = await fetch(`http://127.0.0.1:${api}/v1/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          customer_email: 'a@b.co',
          items: [{ sku: 'SKU-1', quantity: 2, unit_price_cents: 1999 }],
        }),
      });
      expect(created.status).toBe(201);
      const order = (await created.json()) as { id: string; total_cents: number };
      expect(order.total_cents).toBe(3998);

      const confirmed = await fetch(
        `http://127.0.0.1:${api}/v1/orders/${order.id}?wait=confirmed&timeout=10s`,
      );
      expect(((await confirmed.json()) as { status: string }).status).toBe('confirmed');

      // Verbose health answers with every readiness check and its status, on both admin ports.
      for (const [port, expected] of [
        [apiAdmin, ['database', 'redis', 'outbox']],
        [workerAdmin, ['redis', 'database', 'worker']],
      ] as const) {
        const ready = await fetch(`http://127.0.0.1:${port}/readyz?verbose`);
        expect(ready.status).toBe(200);
        const body = (await ready.json()) as HealthResponse;
        expect(body.status).toBe('pass');
        const components = Object.values(body.checks ?? {})
          .flat()
          .map((c) => c.componentId);
        expect(components, `port ${port}`).toEqual(expect.arrayContaining([...expected]));
      }

      // The job went through the demo's own queue prefix, never the default `bull:`.
      expect(await redisKeys(queuePrefix)).toContain(`${queuePrefix}:orders:meta`);
    } finally {
      await demo.interrupt();
    }
    const { code } = await demo.interrupt();
    const output = demo.output();
    expect(code, output).toBe(0);
    // Each app names the signal it actually received: Ctrl-C is SIGINT.
    expect(output).toMatch(/\[api\] received SIGINT/);
    expect(output).toMatch(/\[worker\] received SIGINT/);
    expect(output).not.toMatch(/received SIGTERM/);
    // The demo removed its queue from Redis on the way out.
    expect(output).not.toContain('could not remove the queue');
    expect(await redisKeys(queuePrefix)).toEqual([]);
  }, 300_000);
});
