import { Counter, Gauge, type Registry } from 'prom-client';
import type { OutboxObserver } from './relay.js';

/**
 * The relay's state as Prometheus series. Every replica reports the whole (shared) outbox, so
 * queries and alerts take `max` across instances, not `sum`.
 */
export function outboxMetrics(registry: Registry): OutboxObserver {
  const records = new Gauge({
    name: 'outbox_records',
    help: 'Orders in the outbox: committed, their confirmation not yet settled (confirmed or failed).',
    registers: [registry],
  });
  const oldestAge = new Gauge({
    name: 'outbox_oldest_record_age_seconds',
    help: 'Age of the oldest outbox record: how long the oldest unsettled order has waited.',
    registers: [registry],
  });
  const published = new Counter({
    name: 'outbox_publish_total',
    help: 'Relay publishes by outcome: added (job missing), retried (job had failed), queued, completed, error.',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const settled = new Counter({
    name: 'outbox_settled_total',
    help: 'Outbox records removed because their order was confirmed or failed.',
    registers: [registry],
  });
  const pollErrors = new Counter({
    name: 'outbox_relay_poll_errors_total',
    help: 'Relay passes that failed (usually the database is unreachable).',
    registers: [registry],
  });
  for (const outcome of ['added', 'retried', 'queued', 'completed', 'error'])
    published.inc({ outcome }, 0);
  return {
    published: (outcome) => published.inc({ outcome }),
    settled: (count) => settled.inc(count),
    stats: (stats) => {
      records.set(stats.records);
      oldestAge.set(stats.oldestAgeMs / 1000);
    },
    pollFailed: () => pollErrors.inc(),
  };
}
