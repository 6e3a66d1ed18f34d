// Cost of a call below the active level, compared with an emitted line. Usage: node bench/disabled-level.mjs
import { Writable } from 'node:stream';
import { createLogger } from '../dist/index.js';

const sink = new Writable({ write: (_chunk, _encoding, callback) => callback() });
const logger = createLogger({ service: 'bench', destination: sink });
const child = logger.child({ module: 'db' });
const fields = {
  method: 'GET',
  route: '/orders/:id',
  status: 200,
  duration_ms: 12.3,
  order_id: 'o-123',
};

function measure(label, n, fn) {
  for (let i = 0; i < 10_000; i++) fn();
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn();
  const ns = Number(process.hrtime.bigint() - start) / n;
  console.log(`${label.padEnd(34)} ${ns.toFixed(1).padStart(8)} ns/call`);
  return ns;
}

const disabled = measure('debug at info (root)', 20_000_000, () => logger.debug('query', fields));
measure('debug at info (module child)', 20_000_000, () => child.debug('query', fields));
const emitted = measure('info, emitted', 500_000, () => logger.info('query', fields));
await logger.flush();
console.log(`disabled / emitted = ${((disabled / emitted) * 100).toFixed(2)} %`);
