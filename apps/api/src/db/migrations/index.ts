import type { Knex } from 'knex';
import * as createOrders from './20261127000100_create_orders.js';

interface Migration {
  readonly name: string;
  readonly module: Knex.Migration;
}

/**
 * Migrations are listed here rather than read from a directory, so the compiled app finds them
 * wherever it runs (any working directory, a container, a bundle). Append new ones in order.
 */
const MIGRATIONS: readonly Migration[] = [
  { name: '20261127000100_create_orders', module: createOrders },
];

export const migrationSource: Knex.MigrationSource<Migration> = {
  getMigrations: () => Promise.resolve([...MIGRATIONS]),
  getMigrationName: (migration) => migration.name,
  getMigration: (migration) => Promise.resolve(migration.module),
};
