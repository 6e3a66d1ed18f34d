import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const loadCycle = fileURLToPath(new URL('../dist/children/load-cycle.js', import.meta.url));
const servers: ChildProcess[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.kill('SIGKILL');
});

/** Answers every request 200 "ok". */
const OK = `(q, r) => r.end('ok')`;
/** Answers 201 to a POST of JSON `{"n":1}`, 400 to anything else. */
const POSTED = `(q, r) => {
  let body = '';
  q.on('data', (c) => (body += c)).on('end', () => {
    r.statusCode = q.method === 'POST' && q.headers['content-type'] === 'application/json' &&
      JSON.parse(body || '{}').n === 1 ? 201 : 400;
    r.end();
  });
}`;

/** A tiny HTTP server in a process of its own; resolves with its pid and port. */
async function startServer(handler = OK): Promise<{ pid: number; port: number }> {
  const server = spawn(
    process.execPath,
    [
      '-e',
      `const s = require('node:http').createServer(${handler});
       s.listen(0, '127.0.0.1', () => console.log(s.address().port));`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  servers.push(server);
  const [line] = (await once(server.stdout, 'data')) as unknown[];
  return { pid: server.pid!, port: Number(String(line).trim()) };
}

/** The process state letter of /proc/<pid>/stat: `T` when stopped. */
const state = (pid: number): string =>
  /^\d+ \(.*\) (\w)/.exec(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.[1] ?? '?';

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [loadCycle, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return once(child, 'exit').then(([code]) => ({ code: code as number | null, stdout, stderr }));
}

describe('children/load-cycle', () => {
  it('loads each server in its own slices, the others stopped meanwhile, and leaves all running', async () => {
    const a = await startServer();
    const b = await startServer();
    const seen = { a: new Set<string>(), b: new Set<string>() };
    const sampler = setInterval(() => {
      seen.a.add(state(a.pid));
      seen.b.add(state(b.pid));
    }, 20);
    const result = await run([
      '/',
      '2',
      '0.3',
      '0.3',
      '2',
      `${a.pid}:${a.port}`,
      `${b.pid}:${b.port}`,
    ]);
    clearInterval(sampler);

    expect(result.code, result.stderr).toBe(0);
    const { results } = JSON.parse(result.stdout.replace(/^@bench /, '')) as {
      results: Record<string, { requests_per_second: number; non2xx: number; errors: number }>;
    };
    for (const server of [a, b]) {
      expect(results[String(server.port)]).toMatchObject({ non2xx: 0, errors: 0 });
      expect(results[String(server.port)]?.requests_per_second).toBeGreaterThan(0);
    }
    expect(seen.a.has('T')).toBe(true);
    expect(seen.b.has('T')).toBe(true);
    expect([state(a.pid), state(b.pid)]).not.toContain('T');
  }, 30_000);

  it('sends the method and JSON body it is given, and counts every 2xx answer, warm-up included', async () => {
    const server = await startServer(POSTED);
    const target = `${server.pid}:${server.port}`;
    const args = ['/', '2', '0.2', '0.2', '2', target];
    const parse = (stdout: string) =>
      (
        JSON.parse(stdout.replace(/^@bench /, '')) as {
          results: Record<string, { non2xx: number; answered_2xx: number }>;
        }
      ).results[String(server.port)];

    const posted = await run(['--method', 'POST', '--body', '{"n":1}', ...args]);
    expect(posted.code, posted.stderr).toBe(0);
    const figures = parse(posted.stdout);
    expect(figures?.non2xx).toBe(0);
    expect(figures?.answered_2xx).toBeGreaterThan(0);

    const bare = await run(args); // GET, no body: the server says 400 (the check above can fail)
    expect(parse(bare.stdout)?.answered_2xx).toBe(0);
    expect(parse(bare.stdout)?.non2xx).toBeGreaterThan(0);
  }, 30_000);

  it('refuses a target that is not <pid>:<port>, naming it', async () => {
    const result = await run(['/', '2', '0.1', '0.1', '1', 'localhost']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('load-cycle: "localhost" is not <pid>:<port>');
  });
});
