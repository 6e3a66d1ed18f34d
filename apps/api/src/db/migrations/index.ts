import type { Knex } from 'knex';
import * as createOrders from './20261127000100_create_orders.js';
import * as createOrderOutbox from './20261202000100_create_order_outbox.js';
import * as orderPlacements from './20261202000200_order_placements.js';
import * as outboxInOrders from './20261202000300_outbox_in_orders.js';

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
  { name: '20261202000100_create_order_outbox', module: createOrderOutbox },
  { name: '20261202000200_order_placements', module: orderPlacements },
  { name: '20261202000300_outbox_in_orders', module: outboxInOrders },
];

export const migrationSource: Knex.MigrationSource<Migration> = {
  getMigrations: () => Promise.resolve([...MIGRATIONS]),
  getMigrationName: (migration) => migration.name,
  getMigration: (migration) => Promise.resolve(migration.module),
};
