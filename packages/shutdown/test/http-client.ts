import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';

export interface Answer {
  readonly status: number;
  readonly connection: string | undefined;
  readonly body: string;
  readonly reusedSocket: boolean;
  readonly socket: Socket;
  readonly at: number;
}

export interface RequestOptions {
  readonly port: number;
  readonly path: string;
  readonly agent: http.Agent;
  readonly tls?: boolean;
}

/** One GET; resolves with the answer, rejects with the socket error (its `reusedSocket` attached). */
export function get(options: RequestOptions): Promise<Answer> {
  const module = options.tls ? https : http;
  return new Promise((resolve, reject) => {
    const req = module.request(
      {
        host: '127.0.0.1',
        port: options.port,
        path: options.path,
        agent: options.agent,
        rejectUnauthorized: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => {
          resolve({
            status: res.statusCode ?? 0,
            connection: res.headers.connection,
            body,
            reusedSocket: req.reusedSocket,
            socket: req.socket as Socket,
            at: Date.now(),
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => {
      reject(Object.assign(error, { reusedSocket: req.reusedSocket }));
    });
    req.end();
  });
}

export function keepAliveAgent(tls = false, maxSockets = 20): http.Agent {
  const options = { keepAlive: true, maxSockets };
  return tls ? new https.Agent({ ...options, rejectUnauthorized: false }) : new http.Agent(options);
}

/** Resolves with the wall-clock time the socket closes. */
export function closedAt(socket: Socket): Promise<number> {
  return new Promise((resolve) => {
    if (socket.destroyed) resolve(Date.now());
    else socket.once('close', () => resolve(Date.now()));
  });
}
