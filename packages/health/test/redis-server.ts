import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { freePort, sleep, waitFor } from './helpers.js';
import { createConnection } from 'node:net';

/** A private redis-server on a free port that a test may kill, freeze and restart. */
export interface PrivateRedis {
  readonly port: number;
  start(): Promise<void>;
  kill(): Promise<void>;
  freeze(): void;
  thaw(): void;
  stop(): Promise<void>;
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
    socket.once('connect', () => socket.write('PING\r\n'));
  });
}

export async function privateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const api: PrivateRedis = {
    port,
    async start() {
      child = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        {
          stdio: 'ignore',
        },
      );
      await waitFor(`redis-server on port ${port}`, () => answersPing(port), 5000);
    },
    async kill() {
      const current = child;
      child = undefined;
      if (current?.exitCode !== null || current.signalCode !== null) return;
      const exited = once(current, 'exit');
      current.kill('SIGKILL');
      await Promise.race([exited, sleep(5000)]);
    },
    freeze() {
      child?.kill('SIGSTOP');
    },
    thaw() {
      child?.kill('SIGCONT');
    },
    async stop() {
      if (child) child.kill('SIGCONT');
      await api.kill();
    },
  };
  await api.start();
  return api;
}
