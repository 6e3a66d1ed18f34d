import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reported, startChild, type Child } from '../child.js';
import { deleteQueueKeys, redisUrl } from '../queue-keys.js';
import { alternate, type CaseResult, type Contender } from '../rounds.js';
import type { BenchOptions } from '../options.js';
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

/** Where one measurement's orders go: a fresh SQLite file, or the emptied scratch database. */
interface Backend {
  readonly name: 'sqlite' | 'postgres';
  readonly label: string;
  prepare(): Promise<{ env: NodeJS.ProcessEnv; cleanup: () => void }>;
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

const postgres = (scratch: ScratchDatabase): Backend => ({
  name: 'postgres',
  label: 'PostgreSQL (a scratch database, emptied before each measurement)',
  async prepare() {
    await scratch.empty();
    return { env: { DATABASE_URL: scratch.url }, cleanup: () => undefined };
  },
});

let measurements = 0;

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

function contender(variant: string, backend: Backend, options: BenchOptions): Contender {
  return {
    name: variant,
    async measure() {
      const prefix = `shipshape-bench-orders-${process.pid}-${++measurements}`;
      const database = await backend.prepare();
      writeBackDirtyPages(); // every request commits to disk: start with nothing else to write
      const server = startChild('orders-server', [variant], options.pinning.server, {
        env: {
          ...database.env,
          NODE_ENV: 'production',
          REDIS_URL: redisUrl,
          QUEUE_PREFIX: prefix,
        },
      });
      try {
        const { port } = (await server.ready) as { port: number };
        const [warmup, seconds] = options.smoke ? ['0.5', '1'] : ['1', '5'];
        const generator = startChild(
          'load-generator',
          [String(port), '/v1/orders', String(CONNECTIONS), warmup, seconds, 'POST', ORDER],
          options.pinning.load,
        );
        const load = await generator.ready;
        await generator.exited;
        const wrote = await stopAndReport(server);
        checkWhatWasWritten(variant, backend.name, load, wrote);
        const rps = reported(load, 'requests_per_second');
        return {
          requests_per_second: rps,
          latency_p99_ms: reported(load, 'latency_p99_ms'),
          time_per_request_us: 1_000_000 / rps,
        };
      } finally {
        await server.stop();
        database.cleanup();
        await deleteQueueKeys(prefix);
      }
    },
  };
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
  return alternate(
    {
      case: `orders-${backend.name}`,
      description:
        `POST /v1/orders of the example API (its built modules, as main.ts wires them) on ` +
        `${backend.label}, local Redis; ${placement.description}; autocannon in its own process, ` +
        `${CONNECTIONS} keep-alive connections: the transactional outbox (order + outbox row in one ` +
        `statement, the job published from the request, the relay running) against the direct ` +
        `enqueue it replaced (the order row alone, then the same enqueue)`,
      baseline: 'direct-enqueue',
      ratioOf: { metric: 'requests_per_second', better: 'higher' },
      units: { requests_per_second: 'req/s', latency_p99_ms: 'ms', time_per_request_us: 'µs/req' },
    },
    VARIANTS.map((variant) => contender(variant, backend, options)),
    options,
  );
}

/** The outbox against the direct enqueue, on the embedded SQLite file, then on PostgreSQL. */
export async function ordersCases(options: BenchOptions): Promise<CaseResult[]> {
  const placement = pinLocalServices(options.pinning);
  try {
    const results = [await ordersCase(sqlite, placement, options)];
    const scratch = await createScratchDatabase(options.postgresUrl, 'orders');
    try {
      results.push(await ordersCase(postgres(scratch), placement, options));
    } finally {
      await scratch.drop();
    }
    return results;
  } finally {
    placement.restore();
  }
}
