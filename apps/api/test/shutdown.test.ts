import { Agent } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { isolatedEnv, startApp, type AppProcess } from './helpers/app-process.js';
import { openDatabase } from './helpers/database.js';
import { ORDER } from './helpers/http.js';
import { hit, runLoad, type Outcome } from './helpers/load.js';
import { sleep } from './helpers/ports.js';
import { deleteKeys } from './helpers/redis.js';

const SHUTDOWN_TIMEOUT_MS = 10_000;
const DRAIN_DELAY_MS = 1000;

describe('graceful shutdown of the built app under keep-alive load', () => {
  const env: Record<string, string> = {
    ...isolatedEnv(),
    SHUTDOWN_TIMEOUT: `${SHUTDOWN_TIMEOUT_MS}ms`,
    SHUTDOWN_DRAIN_DELAY: `${DRAIN_DELAY_MS}ms`,
    LOG_LEVEL: 'debug',
  };
  let app: AppProcess | undefined;
  afterAll(async () => {
    await app?.stop('SIGKILL');
    await deleteKeys(env['QUEUE_PREFIX']!);
  });

  it('completes every accepted request (creates and long polls), resets nothing, exits 0 in budget, logs the steps in order', async () => {
    app = await startApp({ env });
    const running = app;
    const agent = new Agent({ keepAlive: true, maxSockets: 32 });
    const outcomes: Outcome[] = [];
    const created: string[] = [];
    // 6 workers create orders back to back; 4 hold long polls open (no worker confirms them).
    const load = runLoad(10, async (worker) => {
      if (worker < 6) {
        const outcome = await hit(agent, `${running.url}/v1/orders`, 'create', {
          method: 'POST',
          json: ORDER,
        });
        outcomes.push(outcome);
        if (outcome.status === 201) created.push((outcome.body as { id: string }).id);
        return outcome.error === undefined;
      }
      const id = created.at(-1);
      if (id === undefined) {
        await sleep(20);
        return true;
      }
      const outcome = await hit(
        agent,
        `${running.url}/v1/orders/${id}?wait=confirmed&timeout=10s`,
        'poll',
      );
      outcomes.push(outcome);
      return outcome.error === undefined;
    });

    await sleep(1500);
    const pollsInFlight = outcomes.filter((o) => o.kind === 'poll').length;
    const signalledAt = Date.now();
    running.child.kill('SIGTERM');
    const exit = await running.exited;
    const exitedAfterMs = Date.now() - signalledAt;
    load.stop();
    await load.done;
    agent.destroy();

    console.info(
      `shutdown under load: ${outcomes.length} requests (${outcomes.filter((o) => o.error === undefined).length} answered, ` +
        `${outcomes.filter((o) => o.error === 'ECONNREFUSED').length} refused after the listener closed), exit ${exit.code} after ${exitedAfterMs} ms`,
    );
    expect(exit).toEqual({ code: 0, signal: null });
    expect(exitedAfterMs).toBeLessThan(SHUTDOWN_TIMEOUT_MS);

    // Every request either got a full 2xx answer, or was refused because the listener had closed.
    const answered = outcomes.filter((o) => o.error === undefined);
    const failed = outcomes.filter((o) => o.error !== undefined && o.error !== 'ECONNREFUSED');
    expect(failed).toEqual([]);
    expect(answered.every((o) => o.status === 200 || o.status === 201)).toBe(true);
    expect(answered.filter((o) => o.kind === 'create').length).toBeGreaterThan(5);
    // Requests kept being served during the drain delay (readiness already failing).
    expect(
      answered.some((o) => o.kind === 'create' && o.endedAt > signalledAt + DRAIN_DELAY_MS / 2),
    ).toBe(true);

    // Long polls open at SIGTERM answered at once with the current state instead of being cut off.
    expect(pollsInFlight).toBe(0);
    const pollsAcrossSignal = answered.filter(
      (o) => o.kind === 'poll' && o.startedAt < signalledAt && o.endedAt >= signalledAt,
    );
    expect(pollsAcrossSignal.length).toBeGreaterThanOrEqual(3);
    for (const poll of pollsAcrossSignal) {
      expect(poll.status).toBe(200);
      expect(poll.body).toMatchObject({ status: 'pending' });
      // Well before their 10 s timeout (the margin is for a loaded 2-core machine).
      expect(poll.endedAt - signalledAt).toBeLessThan(5000);
    }

    // Every 201 the clients saw is a committed order.
    const db = openDatabase(env);
    try {
      const ids = created.slice();
      const rows: { id: string }[] = await db('orders').whereIn('id', ids).select('id');
      expect(rows.length).toBe(ids.length);
    } finally {
      await db.destroy();
    }

    // The log tells the story in order, with durations (the per-step lines are at debug).
    const steps = [
      'received SIGTERM',
      'shutdown started',
      'health: draining',
      'shutdown phase "drain"',
      'shutdown hook "http server"',
      'shutdown hook "admin server"',
      'shutdown hook "outbox relay"',
      'shutdown hook "metrics"',
      'shutdown hook "queue"',
      'shutdown hook "redis"',
      'shutdown hook "database"',
      'shutdown phase "hooks"',
      'shutdown complete',
      // Finals, last-in-first-out: the log flush first, so the last lines reach OTLP too.
      'shutdown hook "logger"',
      'shutdown hook "telemetry"',
    ];
    const messages = running.logs.map((l) => l.message);
    const positions = steps.map((step) => messages.findIndex((m) => m.startsWith(step)));
    expect(
      positions.every((p) => p >= 0),
      `missing steps in:\n${messages.join('\n')}`,
    ).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    for (const line of running.logs.filter((l) => /^shutdown hook .* finished/.test(l.message))) {
      expect(typeof line['durationMs']).toBe('number');
    }
    const drain = running.logs.find((l) => l.message.startsWith('shutdown phase "drain"'));
    expect(drain?.['durationMs']).toBeGreaterThanOrEqual(DRAIN_DELAY_MS - 50);
  });
});
