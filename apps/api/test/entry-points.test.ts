import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { APP_DIR, isolatedEnv, runMigrate, startApp, waitForLog } from './helpers/app-process.js';
import { openDatabase } from './helpers/database.js';
import { deleteKeys } from './helpers/redis.js';

function runMain(
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: APP_DIR,
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

describe('entry points', () => {
  it('dist/migrate.js migrates a fresh database to latest, and is a no-op the second time', async () => {
    const env = isolatedEnv();
    const first = await runMigrate(env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('applied 4 migration(s)');
    const db = openDatabase(env);
    try {
      expect(await db.schema.hasTable('orders')).toBe(true);
      expect(await db.schema.hasTable('order_confirmations')).toBe(true);
      expect(await db.schema.hasColumn('orders', 'outbox_available_at')).toBe(true);
      // Kept (empty) for the previous release's pods during a rolling deploy.
      expect(await db.schema.hasTable('order_outbox')).toBe(true);
    } finally {
      await db.destroy();
    }
    const second = await runMigrate(env);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('already current');
  });

  it('dist/migrate.js exits 78 on a bad DATABASE_URL without connecting anywhere', async () => {
    const result = await runMigrate({ DATABASE_URL: 'mysql://root:hunter2@db/orders' });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('DATABASE_URL');
    expect(result.stderr).not.toContain('hunter2');
  });

  it('dist/main.js lists every configuration mistake and exits 78 before opening a port', async () => {
    const result = await runMain({
      ...isolatedEnv(),
      SERVER_PORT: 'eighty',
      QUEUE_JOB_ATTEMPTS: '0',
      LOG_LEVEL: 'loud',
    });
    expect(result.code).toBe(78);
    for (const name of ['SERVER_PORT', 'QUEUE_JOB_ATTEMPTS', 'LOG_LEVEL'])
      expect(result.stderr).toContain(name);
    expect(result.stdout).not.toContain('listening');
  });

  it('dist/main.js logs its configuration at start-up (at debug) with secrets redacted', async () => {
    const app = await startApp({
      env: {
        ...isolatedEnv(),
        REDIS_URL: 'redis://:s3cret-pass@127.0.0.1:6379/0',
        LOG_LEVEL: 'debug',
      },
    });
    try {
      const line = await waitForLog(app, (l) => l.message === 'configuration loaded');
      const config = line['config'] as { redis: { url: string }; server: { port: number } };
      expect(config.server.port).toBe(Number(app.env['SERVER_PORT']));
      expect(config.redis.url).not.toContain('s3cret-pass');
      expect(app.rawStdout.join('\n')).not.toContain('s3cret-pass');
    } finally {
      expect((await app.stop()).code).toBe(0);
      await deleteKeys(app.env['QUEUE_PREFIX']!);
    }
  });
});
