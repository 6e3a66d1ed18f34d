import { connect, type Socket } from 'node:net';

/** How each request of a keep-alive client ended. */
export interface ClientTally {
  ok: number;
  /** A request written on a socket that had answered before, which then reset or closed unanswered. */
  lostOnReusedSocket: number;
  /** The same on a socket that had not answered yet (accepted, then dropped). */
  lostOnNewSocket: number;
  /** Connection refused: the listener was closed. */
  refused: number;
  lastResponseAt: number;
}

const REQUEST = 'GET /work HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';

/**
 * One keep-alive connection sending requests back to back, like an HTTP agent: it reuses the
 * socket until the server says `Connection: close` or drops it, then opens a new one.
 * Raw sockets, because an HTTP client library retries or hides exactly what is measured here.
 */
async function connection(port: number, tally: ClientTally, stopped: () => boolean): Promise<void> {
  while (!stopped()) {
    const outcome = await new Promise<'refused' | 'dropped' | 'closed-by-server'>((resolve) => {
      let answeredOnSocket = 0;
      let buffer = '';
      let waiting = false;
      const socket: Socket = connect({ port, host: '127.0.0.1' });
      const send = () => {
        if (stopped()) {
          socket.end();
          return;
        }
        waiting = true;
        socket.write(REQUEST);
      };
      socket.once('connect', send);
      socket.on('data', (chunk) => {
        buffer += chunk.toString('latin1');
        for (;;) {
          const headerEnd = buffer.indexOf('\r\n\r\n');
          if (headerEnd < 0) return;
          const head = buffer.slice(0, headerEnd).toLowerCase();
          const length = Number(/content-length:\s*(\d+)/.exec(head)?.[1] ?? 0);
          if (buffer.length < headerEnd + 4 + length) return;
          buffer = buffer.slice(headerEnd + 4 + length);
          waiting = false;
          answeredOnSocket++;
          if (head.startsWith('http/1.1 200')) {
            tally.ok++;
            tally.lastResponseAt = Date.now();
          }
          if (/connection:\s*close/.test(head)) {
            socket.end();
            return;
          }
          send();
        }
      });
      socket.on('error', () => undefined);
      socket.on('close', () => {
        if (answeredOnSocket === 0 && !waiting && socket.bytesWritten === 0) {
          return resolve(stopped() ? 'closed-by-server' : 'refused');
        }
        if (waiting) {
          if (answeredOnSocket > 0) tally.lostOnReusedSocket++;
          else tally.lostOnNewSocket++;
          return resolve('dropped');
        }
        resolve('closed-by-server');
      });
    });
    if (outcome === 'refused') {
      tally.refused++;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

export async function keepAliveLoad(
  port: number,
  connections: number,
  stopped: () => boolean,
): Promise<ClientTally> {
  const tally: ClientTally = {
    ok: 0,
    lostOnReusedSocket: 0,
    lostOnNewSocket: 0,
    refused: 0,
    lastResponseAt: 0,
  };
  await Promise.all(Array.from({ length: connections }, () => connection(port, tally, stopped)));
  return tally;
}
