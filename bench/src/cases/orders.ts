import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reported, startChild, type Child } from '../child.js';
import { deleteQueueKeys, redisUrl } from '../queue-keys.js';
import { alternateTogether, type CaseResult } from '../rounds.js';
import type { BenchOptions } from '../options.js';
import { figuresOf, loadInSlices, requestFigures, SLICES_PER_ROUND } from '../sliced-load.js';
import { createScratchDatabase, type ScratchDatabase } from '../scratch-postgres.js';
import { writeBackDirtyPages } from '../quiet.js';
import { pinLocalServices, type ServicePlacement } from '../service-pinning.js';

const VARIANTS = ['outbox', 'direct-enqueue'] as const;
const CONNECTIONS = 20;
/** A valid order of two lines, the same for every request (no Idempotency-Key: every POST creates). */
const ORDER = JSON.stringify({
  customer_email: 'bench@example.com',
  items: [
    { sku: 'BENCH-1', quantity: 2, unit_price_cents: 1250 },
    { sku: 'BENCH-2', quantity: 1, unit_price_cents: 499 },
  ],
});

/** Where one contender's orders go in a round: a fresh SQLite file, or its emptied scratch database. */
interface Backend {
  readonly name: 'sqlite' | 'postgres';
  readonly label: string;
  prepare(variant: string): Promise<{ env: NodeJS.ProcessEnv; cleanup: () => void }>;
}

const sqlite: Backend = {
  name: 'sqlite',
  label: 'the embedded SQLite file (WAL, on disk)',
  prepare() {
    const dir = mkdtempSync(join(tmpdir(), 'shipshape-bench-orders-'));
    return Promise.resolve({
      env: { DATABASE_URL: '', DATABASE_FILE: join(dir, 'orders.sqlite') },
      cleanup: () => rmSync(dir, { recursive: true, force: true }),
    });
  },
};

const postgres = (scratch: ReadonlyMap<string, ScratchDatabase>): Backend => ({
  name: 'postgres',
  label: 'PostgreSQL (a scratch database per contender, emptied before each round)',
  async prepare(variant) {
    const database = scratch.get(variant);
    if (database === undefined) throw new Error(`orders: no scratch database for ${variant}`);
    await database.empty();
    return { env: { DATABASE_URL: database.url }, cleanup: () => undefined };
  },
});

let servers = 0;

/** SIGTERM, then the child's own account of what it wrote (it waits for requests in flight). */
async function stopAndReport(server: Child): Promise<Record<string, unknown>> {
  server.process.kill('SIGTERM');
  const deadline = setTimeout(() => server.process.kill('SIGKILL'), 20_000);
  const { code } = await server.exited;
  clearTimeout(deadline);
  const stopped = server.messages.find((message) => message['event'] === 'stopped');
  if (stopped === undefined || code !== 0)
    throw new Error(`the orders server exited ${String(code)} without reporting what it wrote`);
  return stopped;
}

/**
 * A server stopped between its slices finds, when it goes on, that its timers ran on the wall clock
 * meanwhile: an enqueue in flight across the stop would time out (2 s by default) though Redis was
 * never slow. Both are raised well past a round; the relay still polls every second, and, as before,
 * no record comes due within a round.
 */
const SLICED_TIMEOUTS = { QUEUE_ENQUEUE_TIMEOUT: '30s', OUTBOX_PUBLISH_LEASE: '60s' };

/**
 * One round: both contenders' servers are started side by side on the measured core, each on its
 * own fresh database and queue prefix, then one load generator posts orders to each in turn in
 * one-second slices, the other stopped meanwhile: a drift of the host (the disk's writeback, a
 * database checkpoint) falls on both alike. Then each server is stopped and accounts for what it
 * wrote.
 */
async function measureRound(
  backend: Backend,
  round: number,
  options: BenchOptions,
): Promise<Record<string, Record<string, number>>> {
  const shift = (round - 1) % VARIANTS.length; // a different start and load order every round
  const variants = [...VARIANTS.slice(shift), ...VARIANTS.slice(0, shift)];
  const contenders: { variant: string; prefix: string; server: Child; cleanup: () => void }[] = [];
  try {
    for (const variant of variants) {
      const { env, cleanup } = await backend.prepare(variant);
      const prefix = `shipshape-bench-orders-${process.pid}-${++servers}`;
      const server = startChild('orders-server', [variant], options.pinning.server, {
        env: {
          ...env,
          ...SLICED_TIMEOUTS,
          NODE_ENV: 'production',
          REDIS_URL: redisUrl,
          QUEUE_PREFIX: prefix,
        },
      });
      contenders.push({ variant, prefix, server, cleanup });
    }
    const started = await Promise.all(
      contenders.map(async (contender) => ({
        ...contender,
        port: ((await contender.server.ready) as { port: number }).port,
      })),
    );
    writeBackDirtyPages(); // every request commits to disk: start with nothing else to write
    const results = await loadInSlices(
      started.map(({ server, port }) => ({ child: server, port })),
      { path: '/v1/orders', connections: CONNECTIONS, method: 'POST', body: ORDER },
      options,
    );
    const measured: Record<string, Record<string, number>> = {};
    for (const { variant, server, port } of started) {
      const load = figuresOf(results, port, `orders ${variant}`);
      checkWhatWasWritten(variant, backend.name, load, await stopAndReport(server));
      measured[variant] = requestFigures(load);
    }
    return measured;
  } finally {
    for (const { server, cleanup, prefix } of contenders) {
      await server.stop();
      cleanup();
      await deleteQueueKeys(prefix);
    }
  }
}

/**
 * A figure only counts when the work behind it was done: every answer 2xx, every 201 a committed
 * order with its job in Redis (the route answers 201 even when its enqueue fails, leaving the job to
 * the relay, so a failure would hide in the throughput), and an outbox row per order exactly when
 * there is an outbox.
 */
export function checkWhatWasWritten(
  variant: string,
  backend: string,
  load: Record<string, unknown>,
  wrote: Record<string, unknown>,
): void {
  const name = `orders ${variant} on ${backend}`;
  const problems: string[] = [];
  const non2xx = reported(load, 'non2xx');
  const errors = reported(load, 'errors');
  if (non2xx > 0 || errors > 0) problems.push(`${non2xx} non-2xx answers and ${errors} errors`);
  const created = reported(wrote, 'orders_created');
  const inDatabase = reported(wrote, 'orders_in_database');
  const jobs = reported(wrote, 'jobs');
  const outboxRows = reported(wrote, 'outbox_rows');
  if (reported(wrote, 'in_flight') > 0)
    problems.push(`${reported(wrote, 'in_flight')} requests still in flight 10 s after the load`);
  if (reported(wrote, 'enqueue_failures') > 0)
    problems.push(`${reported(wrote, 'enqueue_failures')} enqueues failed`);
  if (created < reported(load, 'answered_2xx'))
    problems.push(`${reported(load, 'answered_2xx')} answers 2xx but ${created} orders created`);
  if (inDatabase !== created)
    problems.push(`${created} orders created but ${inDatabase} in the database`);
  if (jobs !== created) problems.push(`${created} orders created but ${jobs} jobs in Redis`);
  const expectedOutbox = variant === 'outbox' ? created : 0;
  if (outboxRows !== expectedOutbox)
    problems.push(`${outboxRows} outbox rows for ${created} orders (expected ${expectedOutbox})`);
  if (problems.length > 0) throw new Error(`${name}: ${problems.join('; ')}`);
}

async function ordersCase(
  backend: Backend,
  placement: ServicePlacement,
  options: BenchOptions,
): Promise<CaseResult> {
  return alternateTogether(
    {
      case: `orders-${backend.name}`,
      description:
        `POST /v1/orders of the example API (its built modules, as main.ts wires them) on ` +
        `${backend.label}, local Redis; ${placement.description}; autocannon in its own process, ` +
        `${CONNECTIONS} keep-alive connections: the transactional outbox (the order with its outbox record, one ` +
        `row, the job published from the request, the relay running) against the direct ` +
        `enqueue it replaced (the order row alone, then the same enqueue); both servers started ` +
        `side by side and loaded in turn in one-second slices (${SLICES_PER_ROUND} each per round, the other ` +
        `stopped meanwhile; enqueue timeout 30 s and publish lease 60 s, so a stop does not time ` +
        `out an enqueue)`,
      baseline: 'direct-enqueue',
      ratioOf: { metric: 'requests_per_second', better: 'higher' },
      units: { requests_per_second: 'req/s', latency_p99_ms: 'ms', time_per_request_us: 'µs/req' },
    },
    VARIANTS,
    (round) => measureRound(backend, round, options),
    options,
  );
}

/** The outbox against the direct enqueue, on the embedded SQLite file, then on PostgreSQL. */
export async function ordersCases(options: BenchOptions): Promise<CaseResult[]> {
  const placement = pinLocalServices(options.pinning);
  try {
    const results = [await ordersCase(sqlite, placement, options)];
    const scratch = new Map<string, ScratchDatabase>();
    try {
      for (const variant of VARIANTS)
        scratch.set(
          variant,
          await createScratchDatabase(options.postgresUrl, `orders_${variant.replace('-', '_')}`),
        );
      results.push(await ordersCase(postgres(scratch), placement, options));
    } finally {
      for (const database of scratch.values()) await database.drop();
    }
    return results;
  } finally {
    placement.restore();
  }
}
