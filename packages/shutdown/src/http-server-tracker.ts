import net from 'node:net';
import tls from 'node:tls';
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import type { Server as HttpsServer } from 'node:https';

export type HttpServerLike = HttpServer | HttpsServer;

interface SocketState {
  inFlight: number;
  /** `performance.now()` of the last sign of life: connection, request, finished response. */
  lastActiveAt: number;
  readonly responses: Set<ServerResponse>;
  idleTimer: NodeJS.Timeout | undefined;
}

/**
 * Follows every connection and request of one node:http / node:https server so that it can be
 * closed without losing a request: see `close()`.
 */
export class HttpServerTracker {
  readonly #server: HttpServerLike;
  /** HTTP-level sockets (the TLS socket for https), with their in-flight request count. */
  readonly #sockets = new Map<net.Socket, SocketState>();
  /** Every accepted TCP socket, including TLS handshakes that never completed. */
  readonly #raw = new Set<net.Socket>();
  readonly #trackedFromStart: boolean;
  #closing = false;
  #socketIdleMs = 0;
  #closed: Promise<void> | undefined;

  constructor(server: HttpServerLike) {
    this.#server = server;
    this.#trackedFromStart = !server.listening;
    const isTls = server instanceof tls.Server;
    server.on('connection', (socket: net.Socket) => {
      this.#raw.add(socket);
      socket.once('close', () => this.#raw.delete(socket));
      if (!isTls) this.#track(socket);
    });
    if (isTls) server.on('secureConnection', (socket: tls.TLSSocket) => this.#track(socket));
    // Prepended so that `Connection: close` is set before the application's handler writes headers.
    server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
      this.#onRequest(req, res);
    });
  }

  /** Connections currently open (HTTP level). */
  get connections(): number {
    return this.#sockets.size;
  }

  #track(socket: net.Socket): SocketState {
    const known = this.#sockets.get(socket);
    if (known) return known;
    const state: SocketState = {
      inFlight: 0,
      lastActiveAt: performance.now(),
      responses: new Set(),
      idleTimer: undefined,
    };
    this.#sockets.set(socket, state);
    socket.once('close', () => {
      clearTimeout(state.idleTimer);
      this.#sockets.delete(socket);
    });
    if (this.#closing) this.#scheduleIdleClose(socket, state);
    return state;
  }

  #onRequest(req: IncomingMessage, res: ServerResponse): void {
    const socket = req.socket;
    const state = this.#track(socket);
    state.inFlight += 1;
    state.lastActiveAt = performance.now();
    clearTimeout(state.idleTimer);
    state.idleTimer = undefined;
    state.responses.add(res);
    if (this.#closing && !res.headersSent) res.setHeader('Connection', 'close');
    let done = false;
    const finished = (): void => {
      if (done) return;
      done = true;
      state.inFlight -= 1;
      state.lastActiveAt = performance.now();
      state.responses.delete(res);
      if (this.#closing && state.inFlight === 0) this.#scheduleIdleClose(socket, state);
    };
    res.once('finish', finished);
    res.once('close', finished);
  }

  /**
   * Closes a socket once it is idle: no request in flight and nothing served for `socketIdleMs`
   * (a socket that has just answered is about to carry the client's next request; one quiet for
   * that long is not), its last response fully written, and no bytes read meanwhile.
   *
   * The final check runs in a `setImmediate` callback, i.e. right after a poll phase: when the event
   * loop was blocked, timers fire before pending socket data is read, and a request already sitting in
   * the kernel's receive buffer would be reset with the socket. After the poll phase it has been read.
   */
  #scheduleIdleClose(socket: net.Socket, state: SocketState): void {
    clearTimeout(state.idleTimer);
    const bytesRead = socket.bytesRead;
    const waitMs = Math.max(0, this.#socketIdleMs - (performance.now() - state.lastActiveAt));
    state.idleTimer = setTimeout(() => {
      setImmediate(() => {
        state.idleTimer = undefined;
        if (state.inFlight > 0 || socket.destroyed) return;
        // Node ends the socket itself after a `Connection: close` response; let it flush.
        if (socket.writableEnded) return;
        if (socket.bytesRead !== bytesRead || socket.writableLength > 0) {
          state.lastActiveAt = performance.now();
          this.#scheduleIdleClose(socket, state);
          return;
        }
        socket.destroy();
      });
    }, waitMs);
  }

  /**
   * Stops listening (within one event-loop turn), closes idle keep-alive sockets, answers
   * in-flight requests (and any request that still arrives on an open socket) with
   * `Connection: close`. Resolves when the last connection is gone. Never times out by itself.
   */
  close(socketIdleMs: number, onStoppedListening?: () => void): Promise<void> {
    this.#closed ??= new Promise<void>((resolve) => {
      // In a `setImmediate` callback, right after a poll phase has accepted the connections waiting in
      // the backlog: closing a listening socket resets whatever is still queued there.
      setImmediate(() => {
        // net's close, not http's: http.Server#close (Node ≥ 19) also destroys every socket it deems
        // idle right away — including one whose next request is already in the kernel's receive buffer.
        net.Server.prototype.close.call(this.#server, () => {
          resolve();
        });
        // Only now, with the listener gone, may responses say `Connection: close`: a client that
        // reconnects at once must be refused, not queued in a backlog that is about to be reset.
        this.#startDraining(socketIdleMs);
        onStoppedListening?.();
      });
    });
    return this.#closed;
  }

  #startDraining(socketIdleMs: number): void {
    this.#closing = true;
    this.#socketIdleMs = socketIdleMs;
    for (const [socket, state] of this.#sockets) {
      for (const res of state.responses) if (!res.headersSent) res.setHeader('Connection', 'close');
      if (state.inFlight === 0) this.#scheduleIdleClose(socket, state);
    }
    if (!this.#trackedFromStart) {
      // Sockets accepted before tracking began are unknown to us: let Node close the idle ones.
      setTimeout(() => this.#server.closeIdleConnections(), socketIdleMs);
    }
  }

  /** Destroys every remaining connection (the forced end of a drain). Returns how many were open. */
  destroyAll(): number {
    const all = new Set<net.Socket>([...this.#sockets.keys(), ...this.#raw]);
    let count = 0;
    for (const socket of all) {
      if (socket.destroyed) continue;
      count += 1;
      socket.destroy();
    }
    this.#server.closeAllConnections();
    return count;
  }
}

const trackers = new WeakMap<HttpServerLike, HttpServerTracker>();

/**
 * Starts following a server's connections (call it right after creating the server, before
 * `listen`). Idempotent: the same tracker is returned for the same server.
 */
export function trackHttpServer(server: HttpServerLike): HttpServerTracker {
  let tracker = trackers.get(server);
  if (!tracker) {
    tracker = new HttpServerTracker(server);
    trackers.set(server, tracker);
  }
  return tracker;
}
