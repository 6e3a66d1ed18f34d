import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { TestkitError } from './testkit-error.js';

/** Options for {@link startRedisServer}; every field is optional. */
export interface RedisServerOptions {
  /** Path or name of the redis-server binary. */
  readonly binary?: string;
  /** How long `start()` waits for the server to answer PING. */
  readonly startTimeoutMs?: number;
  /** How long `stop()` / `kill()` wait for the process to exit. */
  readonly exitTimeoutMs?: number;
}

export const REDIS_SERVER_DEFAULTS = {
  binary: 'redis-server',
  startTimeoutMs: 10_000,
  exitTimeoutMs: 10_000,
} as const satisfies Required<RedisServerOptions>;

type ResolvedRedisServerOptions = {
  readonly [K in keyof RedisServerOptions]-?: RedisServerOptions[K] & {};
};

/**
 * A redis-server this test owns (never the shared one) on a free port of 127.0.0.1, with its own
 * data directory. Nothing is saved unless `stop()` is called, which persists like a production restart.
 */
export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** Its private data directory (the RDB file `stop()` writes lives here). */
  readonly dir: string;
  /** (Re)starts the server on the same port and waits until it answers PING. */
  start(): Promise<void>;
  /** Graceful stop with `SHUTDOWN SAVE`: the data is written first, so the next `start()` loads it back. */
  stop(): Promise<void>;
  /** SIGKILL: the server vanishes without saving; clients see the connection drop. */
  kill(): Promise<void>;
  /** SIGSTOP: the socket stays open but nothing answers. */
  freeze(): void;
  /** SIGCONT: undoes `freeze()`. */
  thaw(): void;
  /** Kills the server (if running) and removes its data directory. Safe to call twice. */
  destroy(): Promise<void>;
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => {
      done(false);
    });
    socket.once('error', () => {
      done(false);
    });
    socket.once('data', (data) => {
      done(data.toString().startsWith('+PONG'));
    });
    socket.once('connect', () => socket.write('PING\r\n'));
  });
}

function sendShutdownSave(port: number): void {
  const socket = createConnection({ host: '127.0.0.1', port });
  socket.setTimeout(1000, () => socket.destroy());
  socket.on('error', () => undefined);
  socket.once('connect', () => socket.write('SHUTDOWN SAVE\r\n'));
  socket.once('close', () => socket.destroy());
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function isRunning(child: ChildProcess | undefined): child is ChildProcess {
  return child !== undefined && child.exitCode === null && child.signalCode === null;
}

/** Waits (bounded) for the child to exit; true when it did. */
async function exited(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (!isRunning(child)) return true;
  const exit = once(child, 'exit').then(() => true);
  return Promise.race([exit, sleep(timeoutMs).then(() => false)]);
}

/** Starts a private redis-server on a free port (`--save '' --appendonly no`) and waits until it answers. */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const config: ResolvedRedisServerOptions = { ...REDIS_SERVER_DEFAULTS, ...options };
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'shipshape-redis-'));
  const url = `redis://127.0.0.1:${String(port)}`;
  let child: ChildProcess | undefined;

  const kill = async (): Promise<void> => {
    const current = child;
    child = undefined;
    if (!isRunning(current)) return;
    current.kill('SIGKILL');
    await exited(current, config.exitTimeoutMs);
  };

  const server: RedisServer = {
    port,
    url,
    dir,
    async start() {
      const spawned = spawn(
        config.binary,
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--dir',
          dir,
          '--save',
          '',
          '--appendonly',
          'no',
        ],
        { stdio: 'ignore' },
      );
      child = spawned;
      let spawnError: Error | undefined;
      spawned.once('error', (error) => (spawnError = error));
      const deadline = Date.now() + config.startTimeoutMs;
      for (;;) {
        if (await ping(port)) return;
        if (spawnError !== undefined || !isRunning(spawned)) {
          child = undefined;
          throw new TestkitError(
            'TESTKIT_REDIS_EXITED',
            `redis-server on port ${String(port)} exited during start-up (exit code ${String(spawned.exitCode)}); ` +
              `check that '${config.binary}' is installed and the port is free`,
            { cause: spawnError },
          );
        }
        if (Date.now() > deadline) {
          await kill();
          throw new TestkitError(
            'TESTKIT_REDIS_START_TIMEOUT',
            `redis-server on port ${String(port)} did not answer PING within ${String(config.startTimeoutMs)} ms; ` +
              'the machine may be overloaded: raise startTimeoutMs',
          );
        }
        await sleep(25);
      }
    },
    async stop() {
      const current = child;
      if (!isRunning(current)) {
        child = undefined;
        return;
      }
      current.kill('SIGCONT');
      sendShutdownSave(port);
      if (await exited(current, config.exitTimeoutMs)) {
        child = undefined;
        return;
      }
      await kill();
      throw new TestkitError(
        'TESTKIT_REDIS_STOP_TIMEOUT',
        `redis-server on port ${String(port)} did not exit within ${String(config.exitTimeoutMs)} ms of SHUTDOWN SAVE; it was killed, so its data was not saved`,
      );
    },
    kill,
    freeze() {
      child?.kill('SIGSTOP');
    },
    thaw() {
      child?.kill('SIGCONT');
    },
    async destroy() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await server.start();
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return server;
}
