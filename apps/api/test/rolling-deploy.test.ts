import { Agent } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedEnv, startApp, type AppProcess } from './helpers/app-process.js';
import { ORDER } from './helpers/http.js';
import { hit, runLoad, type Outcome } from './helpers/load.js';
import { sleep, waitFor } from './helpers/ports.js';
import { ReadinessProxy } from './helpers/readiness-proxy.js';
import { deleteKeys } from './helpers/redis.js';

/** Longer than one readiness poll (1 s) plus its latency: the proxy has stopped routing before the listener closes. */
const DRAIN_DELAY = '3000ms';

describe('rolling deploy: two instances behind a readiness-polling proxy, one gets SIGTERM', () => {
  // Both instances share one SQLite file and one queue prefix, like two pods of one Deployment.
  const shared = isolatedEnv();
  const apps: AppProcess[] = [];
  let proxy: ReadinessProxy;

  beforeAll(async () => {
    proxy = new ReadinessProxy(1000);
    await proxy.start();
  });

  afterAll(async () => {
    await proxy.close();
    for (const app of apps) await app.stop('SIGKILL');
    await deleteKeys(shared['QUEUE_PREFIX']!);
  });

  async function instance(drainDelay: string): Promise<AppProcess> {
    const app = await startApp({
      env: { ...shared, SHUTDOWN_DRAIN_DELAY: drainDelay, SHUTDOWN_TIMEOUT: '10s' },
    });
    apps.push(app);
    proxy.add(app.url, app.adminUrl);
    return app;
  }

  /** Hammers the proxy with keep-alive clients while `victim` gets SIGTERM right after a poll (worst case). */
  async function deploy(
    victim: AppProcess,
  ): Promise<{ outcomes: Outcome[]; exit: { code: number | null } }> {
    await waitFor('both instances in rotation', () => proxy.ready === 2);
    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    const outcomes: Outcome[] = [];
    const load = runLoad(8, async (worker) => {
      const outcome =
        worker % 2 === 0
          ? await hit(agent, `${proxy.url}/v1/orders`, 'create', { method: 'POST', json: ORDER })
          : await hit(agent, `${proxy.url}/v1/orders?limit=5`, 'list');
      outcomes.push(outcome);
      return true;
    });
    await sleep(1000);
    await proxy.nextPoll();
    victim.child.kill('SIGTERM');
    const exit = await victim.exited;
    // Clients keep going until the proxy's routing table has caught up, as they would in a cluster.
    await waitFor('the proxy to take the instance out of rotation', () => proxy.ready === 1);
    await sleep(300);
    load.stop();
    await load.done;
    agent.destroy();
    proxy.remove(victim.url);
    return { outcomes, exit };
  }

  const failures = (outcomes: Outcome[]): Outcome[] =>
    outcomes.filter((o) => o.error !== undefined || (o.status !== 200 && o.status !== 201));

  it(`with SHUTDOWN_DRAIN_DELAY=${DRAIN_DELAY}: zero failed client requests, and the instance exits 0`, async () => {
    const a = await instance(DRAIN_DELAY);
    await instance(DRAIN_DELAY);
    const { outcomes, exit } = await deploy(a);
    console.info(
      `rolling deploy, drain delay ${DRAIN_DELAY}: ${outcomes.length} requests, ${failures(outcomes).length} failed`,
    );
    expect(exit.code).toBe(0);
    expect(outcomes.length).toBeGreaterThan(50);
    expect(failures(outcomes)).toEqual([]);
  });

  it('with SHUTDOWN_DRAIN_DELAY=0: requests fail — the proxy still routes to the instance after its listener closed', async () => {
    const c = await instance('0ms');
    const { outcomes, exit } = await deploy(c);
    console.info(
      `rolling deploy, drain delay 0: ${outcomes.length} requests, ${failures(outcomes).length} failed`,
    );
    expect(exit.code).toBe(0);
    const failed = failures(outcomes);
    expect(failed.length).toBeGreaterThan(0);
    // They are the proxy's 502s for connections the stopped instance refused.
    expect(failed.every((o) => o.status === 502)).toBe(true);
  });
});
