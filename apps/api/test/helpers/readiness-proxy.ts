import { EventEmitter } from 'node:events';
import {
  Agent,
  createServer,
  request,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';

interface Backend {
  readonly url: URL;
  readonly readyUrl: string;
  ready: boolean;
}

/**
 * Plays the Kubernetes Service: routes round-robin only to backends whose /readyz passed its
 * LAST poll, polled every `pollIntervalMs` (the kubelet's periodSeconds, then the endpoints
 * controller). It never retries: an upstream failure is a 502 the client sees.
 */
export class ReadinessProxy extends EventEmitter {
  readonly #backends: Backend[] = [];
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 64 });
  readonly #server: Server;
  #timer: NodeJS.Timeout | undefined;
  #next = 0;
  url = '';

  constructor(readonly pollIntervalMs = 1000) {
    super();
    this.#server = createServer((req, res) => this.#route(req, res));
  }

  add(url: string, adminUrl: string): void {
    this.#backends.push({ url: new URL(url), readyUrl: `${adminUrl}/readyz`, ready: false });
  }

  remove(url: string): void {
    const index = this.#backends.findIndex((b) => b.url.href === new URL(url).href);
    if (index >= 0) this.#backends.splice(index, 1);
  }

  get ready(): number {
    return this.#backends.filter((b) => b.ready).length;
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    const address = this.#server.address();
    this.url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
    const poll = async (): Promise<void> => {
      await Promise.all(
        this.#backends.map(async (backend) => {
          backend.ready = await fetch(backend.readyUrl, {
            signal: AbortSignal.timeout(this.pollIntervalMs * 0.8),
          }).then(
            (res) => res.status === 200,
            () => false,
          );
        }),
      );
      this.emit('polled');
      this.#timer = setTimeout(() => void poll(), this.pollIntervalMs);
    };
    await poll();
  }

  /** Resolves right after the next poll has updated the routing table. */
  nextPoll(): Promise<void> {
    return new Promise((resolve) => this.once('polled', resolve));
  }

  #route(req: IncomingMessage, res: ServerResponse): void {
    const ready = this.#backends.filter((b) => b.ready);
    const backend = ready[this.#next++ % Math.max(ready.length, 1)];
    if (!backend) {
      res.writeHead(503).end('no ready backend');
      return;
    }
    const upstream = request(
      {
        host: backend.url.hostname,
        port: backend.url.port,
        path: req.url,
        method: req.method,
        headers: req.headers,
        agent: this.#agent,
      },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      if (!res.headersSent) res.writeHead(502, { 'x-proxy-error': error.code ?? error.message });
      res.end();
    });
    req.pipe(upstream);
  }

  async close(): Promise<void> {
    clearTimeout(this.#timer);
    this.#agent.destroy();
    this.#server.closeAllConnections();
    await new Promise((resolve) => this.#server.close(resolve));
  }
}
