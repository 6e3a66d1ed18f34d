import { describe, expect, it } from 'vitest';
import { startWorker } from './helpers/apps.js';

describe('bad configuration', () => {
  it('exits 78 before opening anything, listing every problem', async () => {
    const worker = startWorker('bad-config', {
      ADMIN_PORT: 'not-a-port',
      WORKER_CONCURRENCY: '0',
      WORKER_LOCK_DURATION: 'soon',
      REDIS_URL: 'redis://:hunter2@127.0.0.1:1',
    });
    const exit = await worker.exited;
    expect(exit.code).toBe(78);
    const stderr = worker.stderr.join('');
    expect(stderr).toMatch(/ADMIN_PORT/);
    expect(stderr).toMatch(/WORKER_CONCURRENCY/);
    expect(stderr).toMatch(/WORKER_LOCK_DURATION/);
    expect(stderr).not.toMatch(/hunter2/);
    expect(worker.lines.filter((l) => l.message === 'starting')).toEqual([]);
  });
});
