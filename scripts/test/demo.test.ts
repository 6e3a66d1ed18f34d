import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readmeCommands, repoRoot } from './repo.js';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

const dataDir = mkdtempSync(join(tmpdir(), 'shipshape-demo-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('the README demo command', () => {
  it('starts the API and the worker, confirms an order end to end, and stops gracefully on Ctrl-C (SIGINT to the whole process group)', async () => {
    expect(readmeCommands().demo).toBe('npm run demo');
    const [apiPort, apiAdminPort, workerAdminPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    const demo = spawn('bash', ['scripts/demo.sh'], {
      cwd: repoRoot,
      env: {
        ...process.env,
        SERVER_PORT: String(apiPort),
        API_ADMIN_PORT: String(apiAdminPort),
        WORKER_ADMIN_PORT: String(workerAdminPort),
        DATABASE_FILE: join(dataDir, 'demo.sqlite'),
        QUEUE_PREFIX: `demo-test-${process.pid}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group, as a terminal's foreground job
    });
    let output = '';
    demo.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    demo.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = once(demo, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;

    try {
      const upBy = Date.now() + 180_000;
      while (!output.includes('shipshape demo is up')) {
        if (demo.exitCode !== null)
          throw new Error(`demo exited ${demo.exitCode} before it was up:\n${output}`);
        if (Date.now() > upBy) throw new Error(`demo was not up within 180 s:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }

      const created = await fetch(`http://127.0.0.1:${apiPort}/v1/orders`, {
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
        `http://127.0.0.1:${apiPort}/v1/orders/${order.id}?wait=confirmed&timeout=10s`,
      );
      expect(((await confirmed.json()) as { status: string }).status).toBe('confirmed');
    } finally {
      // What Ctrl-C does: SIGINT to every process of the foreground group.
      if (demo.pid !== undefined) process.kill(-demo.pid, 'SIGINT');
    }
    const [code] = await exited;
    expect(code, output).toBe(0);
  }, 300_000);
});
