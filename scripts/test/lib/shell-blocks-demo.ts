import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { DemoPorts } from './shell-blocks.js';

/**
 * `npm run demo` (scripts/demo.sh) started the way a terminal runs it, for the tests that need a
 * real one: its own process group, on free ports, with its own SQLite file and Redis queue prefix.
 */
export interface RunningDemo {
  readonly ports: DemoPorts;
  readonly queuePrefix: string;
  /** Everything the demo printed so far (stdout and stderr). */
  output(): string;
  /** What Ctrl-C does: SIGINT to every process of the foreground group; resolves on exit. */
  interrupt(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export async function startDemo(options: {
  readonly repoRoot: string;
  readonly databaseFile: string;
  readonly queuePrefix: string;
  readonly upWithinMs?: number;
}): Promise<RunningDemo> {
  const ports: DemoPorts = {
    api: await freePort(),
    apiAdmin: await freePort(),
    workerAdmin: await freePort(),
  };
  // As a terminal runs it: without the NODE_ENV=test vitest sets (the demo then logs pretty lines).
  const { NODE_ENV: _testEnv, ...env } = process.env;
  const demo = spawn('bash', ['scripts/demo.sh'], {
    cwd: options.repoRoot,
    env: {
      ...env,
      SERVER_PORT: String(ports.api),
      API_ADMIN_PORT: String(ports.apiAdmin),
      WORKER_ADMIN_PORT: String(ports.workerAdmin),
      DATABASE_FILE: options.databaseFile,
      QUEUE_PREFIX: options.queuePrefix,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, as a terminal's foreground job
  });
  let output = '';
  demo.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  demo.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(demo, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  let interrupted = false;
  const interrupt = async () => {
    if (!interrupted && demo.pid !== undefined && demo.exitCode === null) {
      interrupted = true;
      process.kill(-demo.pid, 'SIGINT');
    }
    const [code, signal] = await exited;
    return { code, signal };
  };

  const upBy = Date.now() + (options.upWithinMs ?? 180_000);
  while (!output.includes('shipshape demo is up')) {
    if (demo.exitCode !== null)
      throw new Error(`demo exited ${demo.exitCode} before it was up:\n${output}`);
    if (Date.now() > upBy) {
      await interrupt();
      throw new Error(`demo was not up within ${options.upWithinMs ?? 180_000} ms:\n${output}`);
    }
    await sleep(200);
  }
  return { ports, queuePrefix: options.queuePrefix, output: () => output, interrupt };
}

/** The keys under `prefix:` in the local Redis (the one the demo uses), by redis-cli --scan. */
export async function redisKeys(prefix: string): Promise<string[]> {
  const { stdout } = await promisify(execFile)(
    'redis-cli',
    ['-u', process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', '--scan', '--pattern', `${prefix}:*`],
    { encoding: 'utf8', timeout: 10_000 },
  );
  return stdout.split('\n').filter(Boolean).sort();
}
