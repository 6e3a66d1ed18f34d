import { Counter } from 'prom-client';
import type { OrderFailureReason } from './order-processor.js';

/**
 * Orders this worker ended in the terminal `failed` state. Created unregistered, so the processor
 * can hold it before the metrics registry exists; main.ts registers it.
 */
export function failedOrdersCounter(): Counter<'reason'> {
  const counter = new Counter({
    name: 'orders_failed_total',
    help: 'Orders ended in the terminal failed state (they can never be confirmed), by reason.',
    labelNames: ['reason'],
    registers: [],
  });
  const reasons: OrderFailureReason[] = ['items_invalid'];
  for (const reason of reasons) counter.inc({ reason }, 0);
  return counter;
}
