import { setTimeout as sleep } from 'node:timers/promises';
import type { Knex } from 'knex';
import { migrationSource } from './migrations/index.js';

export interface MigrationResult {
  readonly batch: number;
  readonly applied: readonly string[];
}

/** Two instances starting together both try to migrate; the loser waits for the lock. */
const LOCK_RETRY_DELAY_MS = 250;
const LOCK_WAIT_MAX_MS = 15_000;

/** Runs every pending migration; safe to call when the schema is already current. */
export async function migrateToLatest(db: Knex): Promise<MigrationResult> {
  const started = Date.now();
  for (;;) {
    try {
      const [batch, applied] = (await db.migrate.latest({ migrationSource })) as [number, string[]];
      return { batch, applied };
    } catch (error) {
      const locked = error instanceof Error && error.name === 'MigrationLocked';
      if (!locked || Date.now() - started > LOCK_WAIT_MAX_MS) throw error;
      await sleep(LOCK_RETRY_DELAY_MS);
    }
  }
}
