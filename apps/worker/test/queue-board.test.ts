import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@shipshape/testkit';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORKER_DIR, startWorker } from './helpers/apps.js';
import { migratedSqlite, type MigratedSqlite } from './helpers/migrated-sqlite.js';
import { insertOrder } from './helpers/orders.js';
import { until, type AppProcess } from './helpers/processes.js';

/**
 * Bull Board on the built worker's admin port, driven by Debian's Chromium (headless, through
 * playwright-core): read-only without an admin token, retry with one. Screenshots are kept in
 * apps/worker/test-output/ as artifacts of the run.
 */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const OUTPUT_DIR = join(WORKER_DIR, 'test-output');
const TOKEN = randomBytes(24).toString('hex');
const COMPLETING = 4;
const POISON = 'board-poison'; // invalid data: fails at once, never retried by BullMQ
const MISSING = 'board-missing-order'; // its order is not written yet: fails until an operator fixes it

/** The board's status tabs and the BullMQ state each one counts. */
const TABS = [
  ['ACTIVE', 'active'],
  ['WAITING', 'wait'],
  ['WAITING CHILDREN', 'waiting-children'],
  ['PRIORITIZED', 'prioritized'],
  ['COMPLETED', 'completed'],
  ['FAILED', 'failed'],
  ['DELAYED', 'delayed'],
] as const;
type Counts = Record<(typeof TABS)[number][1], number>;

const prefix = `board-${randomUUID()}`;
let sqlite: MigratedSqlite;
let redis: Redis;
let queue: Queue;
let profileDir: string;
let browser: BrowserContext;
let worker: AppProcess | undefined;

beforeAll(async () => {
  sqlite = await migratedSqlite();
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  queue = new Queue('orders', { connection: redis, prefix });
  mkdirSync(OUTPUT_DIR, { recursive: true });
  profileDir = mkdtempSync(join(tmpdir(), 'worker-board-chromium-'));
  browser = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
  });
  // The board's page links a web font from the internet; the test stays on the admin port.
  await browser.route(
    (url) => url.hostname !== '127.0.0.1',
    (route) => route.abort(),
  );
});

afterAll(async () => {
  await browser.close();
  rmSync(profileDir, { recursive: true, force: true });
  await worker?.stop();
  await queue.obliterate({ force: true });
  await queue.close();
  const left = await redis.keys(`${prefix}:*`);
  if (left.length > 0) await redis.del(...left);
  redis.disconnect();
  await sqlite.cleanup();
});

async function runWorker(env: Record<string, string> = {}): Promise<string> {
  const port = await freePort();
  worker = startWorker('worker', {
    ADMIN_PORT: String(port),
    DATABASE_FILE: sqlite.file,
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    WORKER_PROVIDER_LATENCY: '10ms',
    SHUTDOWN_TIMEOUT: '5s',
    ...env,
  });
  await worker.waitForLine((l) => l.message === 'worker started', 30_000);
  return `http://127.0.0.1:${String(port)}/admin/queues`;
}

async function stopWorker(): Promise<void> {
  worker?.child.kill('SIGTERM');
  expect((await worker?.exited)?.code).toBe(0);
  worker = undefined;
}

const redisCounts = async (): Promise<Counts> =>
  (await queue.getJobCounts(...TABS.map(([, state]) => state))) as Counts;

/** The counts the board's status tabs show (a tab without a badge counts 0). */
async function boardCounts(page: Page): Promise<Counts> {
  const counts: Partial<Counts> = {};
  for (const [label, state] of TABS) {
    const text = await page.locator(`a:has(> span[data-text="${label}"])`).innerText();
    counts[state] = Number(/(\d+)\s*$/.exec(text)?.[1] ?? 0);
  }
  return counts as Counts;
}

const jobCard = (page: Page, jobId: string): Locator =>
  page.locator('[class*="card-"]', { has: page.locator(`a[href*="/orders/${jobId}?"]`) });
const retryButton = (card: Locator): Locator => card.locator('button:has(svg.lucide-refresh-cw)');

async function screenshot(page: Page, name: string): Promise<void> {
  const path = join(OUTPUT_DIR, name);
  await page.screenshot({ path, fullPage: true });
  const png = readFileSync(path);
  expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  expect(png.length).toBeGreaterThan(10_000);
}

describe('the queue board (Bull Board at /admin/queues) in headless Chromium', () => {
  it('read-only without an admin token: counts match Redis, a failed job shows its reason, nothing can be retried', async () => {
    const board = await runWorker();
    for (let i = 0; i < COMPLETING; i++) {
      const id = `board-order-${String(i)}`;
      await insertOrder(sqlite.database.knex, { id });
      await queue.add('order.confirm', { order_id: id }, { jobId: id, attempts: 3 });
    }
    await queue.add('order.confirm', { order: 'not-a-valid-payload' }, { jobId: POISON });
    await queue.add('order.confirm', { order_id: MISSING }, { jobId: MISSING, attempts: 1 });
    const settled = await until('every job completed or failed', async () => {
      const counts = await redisCounts();
      return counts.completed + counts.failed === COMPLETING + 2 ? counts : undefined;
    });
    expect(settled).toEqual({ ...zeroCounts(), completed: COMPLETING, failed: 2 });

    const page = await browser.newPage();
    await page.goto(`${board}/queue/orders`);
    await expect.poll(() => boardCounts(page), { timeout: 15_000 }).toEqual(settled);

    // Open the failed job from the failed list and read why it failed.
    await page.locator('a:has(> span[data-text="FAILED"])').click();
    await jobCard(page, POISON).locator(`a[href*="/orders/${POISON}?"]`).click();
    await page.waitForURL(`**/admin/queues/queue/orders/${POISON}?status=failed`);
    const reason = (await queue.getJob(POISON))?.failedReason ?? '';
    expect(reason).toMatch(/job board-poison has invalid order\.confirm data/);
    await expect.poll(() => page.locator('body').innerText()).toContain(reason);
    await screenshot(page, 'queue-board-failed-job.png');

    // Read-only: no retry or clean buttons, and the board's API refuses the action itself.
    await page.goto(`${board}/queue/orders?status=failed`);
    await expect.poll(() => jobCard(page, MISSING).count()).toBe(1);
    expect(await retryButton(jobCard(page, MISSING)).count()).toBe(0);
    expect(await page.getByRole('button', { name: /Retry all|Clean all/ }).count()).toBe(0);
    const refused = await page.evaluate(async (path) => {
      const response = await fetch(path, { method: 'PUT' });
      return { status: response.status, allow: response.headers.get('allow') };
    }, `/admin/queues/api/queues/orders/${MISSING}/retry`);
    expect(refused).toEqual({ status: 405, allow: 'GET, HEAD' });
    expect(await queue.getJobState(MISSING)).toBe('failed');
    await page.close();
    await stopWorker();
  });

  it('with ADMIN_TOKEN: 401 without the token; with it a failed job is retried from the page and leaves the failed set', async () => {
    const board = await runWorker({ ADMIN_TOKEN: TOKEN });
    const anonymous = await browser.newPage();
    expect((await anonymous.goto(board))?.status()).toBe(401);
    await anonymous.close();

    const page = await browser.newPage();
    await page.setExtraHTTPHeaders({ authorization: `Bearer ${TOKEN}` });
    await page.goto(`${board}/queue/orders?status=failed`);
    const before = await redisCounts();
    expect(before.failed).toBe(2);
    await expect.poll(() => boardCounts(page), { timeout: 15_000 }).toEqual(before);
    // The same buttons the read-only board did not show (so their absence there was no accident).
    await expect.poll(() => retryButton(jobCard(page, POISON)).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Retry all' }).count()).toBe(1);

    // The operator writes the missing order, then retries its job from the board.
    await insertOrder(sqlite.database.knex, { id: MISSING });
    await retryButton(jobCard(page, MISSING)).click();
    await page.getByRole('button', { name: 'Confirm' }).click();
    await until('the retried job to complete', async () =>
      (await queue.getJobState(MISSING)) === 'completed' ? true : undefined,
    );
    const order = await sqlite.database.knex('orders').where({ id: MISSING }).first('status');
    expect(order).toEqual({ status: 'confirmed' });
    const after = await redisCounts();
    expect(after).toEqual({ ...zeroCounts(), completed: COMPLETING + 1, failed: 1 });
    await expect.poll(() => boardCounts(page), { timeout: 15_000 }).toEqual(after);
    await expect.poll(() => jobCard(page, MISSING).count()).toBe(0);
    await screenshot(page, 'queue-board-after-retry.png');
    await page.close();
    await stopWorker();
  });
});

function zeroCounts(): Counts {
  return Object.fromEntries(TABS.map(([, state]) => [state, 0])) as Counts;
}
