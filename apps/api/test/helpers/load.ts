import { request, type Agent } from 'node:http';

export interface Outcome {
  readonly kind: string;
  readonly status?: number;
  /** Error code for requests that got no response (ECONNREFUSED, ECONNRESET, …). */
  readonly error?: string;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly body?: unknown;
}

/** One HTTP/1.1 request on a keep-alive agent; resolves with the outcome, never rejects. */
export function hit(
  agent: Agent,
  url: string,
  kind: string,
  init: { method?: string; json?: unknown } = {},
): Promise<Outcome> {
  const startedAt = Date.now();
  return new Promise((resolve) => {
    const body = init.json === undefined ? undefined : JSON.stringify(init.json);
    const req = request(
      url,
      {
        agent,
        method: init.method ?? 'GET',
        headers:
          body === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = text;
          }
          resolve({
            kind,
            status: res.statusCode ?? 0,
            startedAt,
            endedAt: Date.now(),
            body: parsed,
          });
        });
        res.on('error', (error: NodeJS.ErrnoException) =>
          resolve({ kind, error: error.code ?? error.message, startedAt, endedAt: Date.now() }),
        );
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ kind, error: error.code ?? error.message, startedAt, endedAt: Date.now() }),
    );
    req.end(body);
  });
}

/** Runs `loop` on `workers` concurrent workers until `stop()` or a worker returns false. */
export function runLoad(
  workers: number,
  loop: (worker: number) => Promise<boolean>,
): { stop(): void; done: Promise<void> } {
  let stopped = false;
  const done = Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      while (!stopped) {
        if (!(await loop(worker))) return;
      }
    }),
  ).then(() => undefined);
  return { stop: () => (stopped = true), done };
}
