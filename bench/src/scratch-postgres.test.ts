import { describe, expect, it } from 'vitest';
import { apiModule } from './api-dist.js';
import { createScratchDatabase } from './scratch-postgres.js';

/** The runner's default `--postgres-url`: the local server `scripts/setup.sh` starts. */
const serverUrl = 'postgres://postgres@127.0.0.1:5432';

describe('createScratchDatabase', () => {
  it('migrates a database of its own, empties every table of the API, and drops it', async () => {
    const scratch = await createScratchDatabase(serverUrl, 'scratch_test');
    const { createDatabase } = await apiModule('db/connection.js');
    const { db } = createDatabase({ url: scratch.url, poolMax: 1 });
    try {
      const at = new Date().toISOString();
      await db('orders').insert({
        id: 'o-1',
        status: 'pending',
        customer_email: 'a@b.co',
        items: '[]',
        total_cents: 0,
        created_at: at,
        updated_at: at,
      });
      await db('order_confirmations').insert({
        order_id: 'o-1',
        job_id: 'o-1',
        attempt: 1,
        confirmed_at: at,
      });
      // What the previous release's pods write (the table stays for them, see the API's migrations).
      await db('order_outbox').insert({ order_id: 'o-1', created_at: 1, available_at: 1 });
      await scratch.empty();
      for (const table of ['orders', 'order_confirmations', 'order_outbox'])
        expect(await db(table).count({ n: '*' }).first()).toEqual({ n: '0' });
    } finally {
      await db.destroy();
      await scratch.drop();
    }
  });
});
