import { setTimeout as sleep } from 'node:timers/promises';

/** An order as POST /v1/orders takes it (apps/api/README.md). */
export const ORDER = {
  customer_email: 'live@example.com',
  items: [{ sku: 'SKU-1', quantity: 2, unit_price_cents: 1999 }],
};

const MAX_ROUNDS_IN_FLIGHT = 20;

/** Responses by status code (0: no answer) since the traffic started. */
export type StatusCounts = Record<number, number>;

export interface Traffic {
  /** Ids of the orders created (201) so far. */
  readonly created: readonly string[];
  counts(): StatusCounts;
  stop(): Promise<StatusCounts>;
}

async function call(url: string, init: RequestInit = {}, timeoutMs = 15_000): Promise<Response> {
  return fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
}

/** Creates one order; its id, or the status code when it was not created. */
export async function createOrder(apiUrl: string): Promise<{ status: number; id?: string }> {
  const response = await call(`${apiUrl}/v1/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ORDER),
  }).catch(() => undefined);
  if (!response) return { status: 0 };
  const body = (await response.json().catch(() => ({}))) as { id?: string };
  return response.status === 201 && body.id
    ? { status: 201, id: body.id }
    : { status: response.status };
}

/** `count` orders with `concurrency` clients at once; the ids of those created. */
export async function createOrders(
  apiUrl: string,
  count: number,
  concurrency: number,
): Promise<string[]> {
  const ids: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next += 1;
        const { id } = await createOrder(apiUrl);
        if (id) ids.push(id);
      }
    }),
  );
  return ids;
}

/**
 * What a dashboard needs to see, every `periodMs` until stopped: an order created, read and listed,
 * a read of an order that does not exist (404), and now and then a long poll for its confirmation:
 * each route of the API with the status codes a healthy service answers.
 */
export function startTraffic(apiUrl: string, periodMs: number): Traffic {
  const counts: StatusCounts = {};
  const created: string[] = [];
  const controller = new AbortController();
  const count = (status: number): void => {
    counts[status] = (counts[status] ?? 0) + 1;
  };
  const get = async (path: string, timeoutMs?: number): Promise<void> => {
    const response = await call(`${apiUrl}${path}`, {}, timeoutMs).catch(() => undefined);
    count(response?.status ?? 0);
    await response?.arrayBuffer().catch(() => undefined);
  };
  let rounds = 0;
  const round = async (): Promise<void> => {
    rounds += 1;
    const order = await createOrder(apiUrl);
    count(order.status);
    const id = order.id ?? created.at(-1) ?? '00000000-0000-7000-8000-000000000000';
    if (order.id) created.push(order.id);
    await Promise.all([
      // A long poll re-reads the order every 50 ms: one round in four is enough.
      rounds % 4 === 0 ? get(`/v1/orders/${id}?wait=confirmed&timeout=2s`, 10_000) : undefined,
      get(`/v1/orders/${id}`),
      get('/v1/orders?limit=5'),
      get('/v1/orders/00000000-0000-7000-8000-000000000000'),
    ]);
  };
  const loop = (async () => {
    const inFlight = new Set<Promise<void>>();
    while (!controller.signal.aborted) {
      // Rounds overlap: a slow answer (a dependency down) does not slow the request rate.
      const current = round().finally(() => inFlight.delete(current));
      inFlight.add(current);
      // Bounded like a client pool: a dependency outage must not pile up requests without end.
      if (inFlight.size >= MAX_ROUNDS_IN_FLIGHT) await Promise.race(inFlight);
      await sleep(periodMs, undefined, { signal: controller.signal }).catch(() => undefined);
    }
    await Promise.all(inFlight);
  })();
  return {
    created,
    counts: () => ({ ...counts }),
    async stop() {
      controller.abort();
      await loop;
      return { ...counts };
    },
  };
}
