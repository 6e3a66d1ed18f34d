import { afterEach, describe, expect, it } from 'vitest';
import { reap, spawnFixture } from './child.js';
import type { Fixture } from './child.js';
import { closedAt, get, keepAliveAgent } from './http-client.js';
import type { Answer } from './http-client.js';

let fixture: Fixture | undefined;
afterEach(() => {
  reap(fixture);
  fixture = undefined;
});

async function startServer(
  env: Record<string, string>,
): Promise<{ fixture: Fixture; port: number }> {
  const started = spawnFixture('http-server.mjs', env);
  fixture = started;
  const ready = await started.waitForLine((line) => line.message === 'ready');
  return { fixture: started, port: ready['port'] as number };
}

function countReceived(server: Fixture, path: string): number {
  return server.lines.filter((line) => line.message === 'request received' && line['path'] === path)
    .length;
}

describe.each([
  { name: 'http', tls: false },
  { name: 'https', tls: true },
])('draining an $name server on SIGTERM', ({ tls }) => {
  it('answers slow in-flight keep-alive requests with 200 and Connection: close, closes idle sockets at once, exits 0 in time', async () => {
    const { fixture: server, port } = await startServer({
      DRAIN_DELAY_MS: '0',
      TLS: tls ? '1' : '0',
    });
    // Three idle keep-alive sockets: one request each, then left in the agent's free pool for longer
    // than socketIdleMs (250 ms), so they count as idle rather than between two requests.
    const idleAgent = keepAliveAgent(tls);
    const warm = await Promise.all(
      [1, 2, 3].map(() => get({ port, path: '/', agent: idleAgent, tls })),
    );
    expect(new Set(warm.map((answer) => answer.socket)).size).toBe(3);
    const idleClosed = warm.map((answer) => closedAt(answer.socket));
    await new Promise((resolve) => setTimeout(resolve, 300));

    // Three slow requests, each on its own keep-alive socket that has served one request before.
    const busyAgent = keepAliveAgent(tls);
    await Promise.all([1, 2, 3].map(() => get({ port, path: '/', agent: busyAgent, tls })));
    const slow = [1, 2, 3].map(() => get({ port, path: '/slow?ms=300', agent: busyAgent, tls }));
    await server.waitForLine(() => countReceived(server, '/slow') === 3);
    const sigtermAt = server.kill('SIGTERM');

    const answers = await Promise.all(slow);
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.body).toBe('ok');
      expect(answer.connection).toBe('close');
      expect(answer.reusedSocket).toBe(true);
    }
    const listenerClosed = await server.waitForLine((line) =>
      line.message.includes('stopped listening'),
    );
    const closeTimes = await Promise.all(idleClosed);
    for (const at of closeTimes) expect(at - listenerClosed.t).toBeLessThan(100);

    const exit = await server.exited;
    expect(exit.code).toBe(0);
    expect(exit.at - sigtermAt).toBeLessThan(0 + 300 + 500);
    idleAgent.destroy();
    busyAgent.destroy();
  });
});

describe('the drain delay', () => {
  it('keeps serving new and reused connections normally until the delay has passed, then stops listening', async () => {
    const { fixture: server, port } = await startServer({ DRAIN_DELAY_MS: '800' });
    const agent = keepAliveAgent();
    const before = await get({ port, path: '/', agent });
    const sigtermAt = server.kill('SIGTERM');
    await server.waitForLine((line) => line.message.startsWith('shutdown started'));
    await new Promise((resolve) => setTimeout(resolve, 200));

    const reused = await get({ port, path: '/', agent });
    expect(reused.status).toBe(200);
    expect(reused.reusedSocket).toBe(true);
    expect(reused.socket).toBe(before.socket);
    expect(reused.connection).toBe('keep-alive');
    const fresh = await get({ port, path: '/', agent: keepAliveAgent() });
    expect(fresh.status).toBe(200);
    expect(fresh.reusedSocket).toBe(false);
    expect(fresh.connection).toBe('keep-alive');
    expect(server.lines.some((line) => line.message.includes('stopped listening'))).toBe(false);

    const listenerClosed = await server.waitForLine((line) =>
      line.message.includes('stopped listening'),
    );
    expect(listenerClosed.t - sigtermAt).toBeGreaterThanOrEqual(800 - 50);
    await expect(get({ port, path: '/', agent: keepAliveAgent() })).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
    expect((await server.exited).code).toBe(0);
    agent.destroy();
  });
});

describe('under keep-alive load (20 connections, 50 ms handler)', () => {
  it('loses no request and resets no connection across three shutdowns', async () => {
    const rounds: {
      answered: number;
      received: number;
      closeAnswers: number;
      refused: number;
      lost: string[];
      exitAfterLastAnswerMs: number;
    }[] = [];
    for (let round = 0; round < 3; round += 1) {
      const { fixture: server, port } = await startServer({ DRAIN_DELAY_MS: '0' });
      const agent = keepAliveAgent(false, 20);
      const result = {
        answered: 0,
        received: 0,
        closeAnswers: 0,
        refused: 0,
        lost: [] as string[],
        exitAfterLastAnswerMs: 0,
      };
      let lastAnswerAt = 0;
      const loop = async (): Promise<void> => {
        for (;;) {
          let answer: Answer;
          try {
            answer = await get({ port, path: '/slow?ms=50', agent });
          } catch (error) {
            const { code, reusedSocket } = error as NodeJS.ErrnoException & {
              reusedSocket: boolean;
            };
            // A refused *new* connection is what a closed listener looks like; anything else lost a request.
            if (code === 'ECONNREFUSED' && !reusedSocket) result.refused += 1;
            else result.lost.push(`${code ?? 'unknown'} reused=${String(reusedSocket)}`);
            return;
          }
          if (answer.status !== 200) result.lost.push(`status ${answer.status}`);
          result.answered += 1;
          lastAnswerAt = Math.max(lastAnswerAt, answer.at);
          if (answer.connection === 'close') result.closeAnswers += 1;
        }
      };
      // Every connection is accepted and has served a request before the signal: a connection still in
      // the kernel's accept queue when the listener closes is reset by the kernel, which is what the
      // drain delay is for, not a request this server received.
      await Promise.all(Array.from({ length: 20 }, () => get({ port, path: '/', agent })));
      const workers = Array.from({ length: 20 }, () => loop());
      await new Promise((resolve) => setTimeout(resolve, 300));
      server.kill('SIGTERM');
      await Promise.all(workers);
      const exit = await server.exited;
      expect(exit.code).toBe(0);
      agent.destroy();
      result.received = countReceived(server, '/slow');
      result.exitAfterLastAnswerMs = exit.at - lastAnswerAt;
      rounds.push(result);
    }
    console.info('keep-alive load rounds', JSON.stringify(rounds));
    for (const round of rounds) {
      expect(round.lost).toEqual([]);
      // Every request the server received was answered (none "received but never answered").
      expect(round.received).toBe(round.answered);
      expect(round.answered).toBeGreaterThan(20);
      // Each connection ended with one `Connection: close` answer, then a refused reconnect.
      expect(round.closeAnswers).toBe(20);
      expect(round.refused).toBe(20);
    }
  });
});
