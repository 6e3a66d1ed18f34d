import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { schema } from '../src/config.js';
import { isolatedEnv, startApp, type AppProcess } from './helpers/app-process.js';
import { deleteKeys } from './helpers/redis.js';

/**
 * A caller who may change log levels (loopback, no token) sends 20,000 PUTs, each naming a module
 * no one named before. The built app must hold its memory and its reply sizes, and refuse the excess
 * with a 4xx that says why. It runs with the largest module bound the configuration accepts
 * (LOG_MAX_MODULE_LEVELS), so the sizes hold for every configuration.
 */
const MAX_MODULES = schema.log.maxModuleLevels.max;
const PUTS = 20_000;
const CONCURRENCY = 16;
const MAX_GROWTH_MB = 50;
const MAX_REPLY_BYTES = 16 * 1024;

interface Reply {
  readonly status: number;
  readonly type: string | undefined;
  readonly body: string;
}

/** Resident set size of a process, from /proc/<pid>/status, in MB. */
function rssMb(pid: number): number {
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  if (kb === undefined) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(kb) / 1024;
}

function send(agent: Agent, url: string, method: string, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method, agent, headers: body === undefined ? {} : { 'content-type': 'application/json' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body: text }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

let app: AppProcess;
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
beforeAll(async () => {
  app = await startApp({ env: { ...isolatedEnv(), LOG_MAX_MODULE_LEVELS: String(MAX_MODULES) } });
});
afterAll(async () => {
  agent.destroy();
  expect((await app.stop()).code).toBe(0);
  await deleteKeys(app.env['QUEUE_PREFIX'] ?? 'none');
});

describe('PUT /admin/log-level flooded with fresh module names (built app)', () => {
  it(`${PUTS} PUTs: memory grows < ${MAX_GROWTH_MB} MB, every reply < 16 KB, the excess refused 409 problem+json`, async () => {
    const url = `${app.adminUrl}/admin/log-level`;
    const pid = app.child.pid;
    if (pid === undefined) throw new Error('the app has no pid');
    // Warm up the admin path (JIT, sockets, buffers) so the baseline is the steady state.
    for (let i = 0; i < 200; i++) expect((await send(agent, url, 'GET')).status).toBe(200);
    const before = rssMb(pid);
    let peak = before;
    const statuses = new Map<number, number>();
    let largest = 0;
    let refusal: Reply | undefined;
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < PUTS) {
          const n = next++;
          // 64 characters, the longest name a module may have: the most memory per entry.
          const module = `flood.${n}.`.padEnd(64, 'x');
          const reply = await send(agent, url, 'PUT', JSON.stringify({ level: 'debug', module }));
          statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
          largest = Math.max(largest, Buffer.byteLength(reply.body));
          if (reply.status !== 200) refusal ??= reply;
          if (n % 1000 === 0) peak = Math.max(peak, rssMb(pid));
        }
      }),
    );
    const levels = await send(agent, url, 'GET');
    const after = rssMb(pid);
    peak = Math.max(peak, after);

    console.info(
      `log-level flood: RSS ${before.toFixed(1)} → ${after.toFixed(1)} MB (peak ${peak.toFixed(1)}), ` +
        `statuses ${JSON.stringify(Object.fromEntries(statuses))}, largest reply ${largest} B, ` +
        `GET ${Buffer.byteLength(levels.body)} B`,
    );
    expect(peak - before).toBeLessThan(MAX_GROWTH_MB);
    expect(largest).toBeLessThan(MAX_REPLY_BYTES);
    expect(levels.status).toBe(200);
    expect(Buffer.byteLength(levels.body)).toBeLessThan(MAX_REPLY_BYTES);

    // The configured bound is accepted, everything past it refused, nothing else.
    const accepted = statuses.get(200) ?? 0;
    const modules = Object.keys((JSON.parse(levels.body) as { modules: object }).modules);
    expect(accepted).toBe(MAX_MODULES);
    expect(modules).toHaveLength(accepted);
    expect(statuses.get(409)).toBe(PUTS - accepted);
    expect([...statuses.keys()].sort()).toEqual([200, 409]);
    expect(refusal?.type).toBe('application/problem+json');
    expect(JSON.parse(refusal?.body ?? '{}')).toEqual({
      type: 'about:blank',
      title: 'Too many module levels',
      status: 409,
      detail: expect.stringMatching(
        new RegExp(`^setLevel: ${accepted} modules already have their own level, the most allowed`),
      ) as unknown,
    });

    // Every accepted change, and only those, was logged at WARN with who asked.
    const changes = () => app.logs.filter((line) => line.message === 'log level changed');
    await vi.waitFor(() => expect(changes()).toHaveLength(accepted));
    expect(changes()[0]).toMatchObject({ level: 'warn', 'client.address': '127.0.0.1' });
  });
});
