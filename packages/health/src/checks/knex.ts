import type { HealthCheck } from '../types.js';

/** The part of a knex instance the check uses. */
export interface KnexCheckTarget {
  raw(sql: string): PromiseLike<unknown>;
  readonly client?: unknown;
}

interface PoolLike {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
}

function poolOf(db: KnexCheckTarget): PoolLike | undefined {
  const pool = (db.client as { pool?: unknown } | undefined)?.pool;
  if (typeof pool !== 'object' || pool === null) return undefined;
  const candidate = pool as Partial<Record<keyof PoolLike, unknown>>;
  const ok =
    typeof candidate.numUsed === 'function' &&
    typeof candidate.numFree === 'function' &&
    typeof candidate.numPendingAcquires === 'function';
  return ok ? (pool as PoolLike) : undefined;
}

/**
 * Runs `select 1` through the pool, so it proves a connection can be acquired and the server answers.
 * Details carry the pool's used / free / pending counts (a full pool shows up here first).
 */
export function knexCheck(db: KnexCheckTarget): HealthCheck {
  return async () => {
    await db.raw('select 1');
    const pool = poolOf(db);
    if (pool === undefined) return undefined;
    return {
      poolUsed: pool.numUsed(),
      poolFree: pool.numFree(),
      poolPendingAcquires: pool.numPendingAcquires(),
    };
  };
}
