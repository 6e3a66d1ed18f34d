// Writes N access-log-like lines with request and trace fields to a file, flushes, and reports
// lines per second (flush included), peak RSS, and the cost of a call below the active level.
import { createReadStream, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const variant = process.argv[2] ?? 'shipshape';
const lines = Number(process.argv[3] ?? 200_000);
const file = join(tmpdir(), `shipshape-bench-logger-${variant}-${process.pid}.log`);

const fields = {
  http_request_method: 'GET',
  http_route: '/v1/orders/:id',
  status: 200,
  duration_ms: 1.234,
  bytes: 512,
};
const requestId = '5f0c1e2a-7d3b-4a9e-9c1f-0b2e3d4c5a6f';
const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
const spanId = '00f067aa0ba902b7';

interface Subject {
  emit(i: number): void;
  /** A call below the level, with a prepared fields object: the logger's own cost only. */
  disabled(i: number): void;
  flush(): Promise<void>;
  /** Runs the whole loop inside the request/trace context where the logger reads it itself. */
  within(fn: () => Promise<void>): Promise<void>;
}

async function subject(): Promise<Subject> {
  if (variant === 'shipshape') {
    const api = await import('@opentelemetry/api');
    const { AsyncLocalStorageContextManager } = await import('@opentelemetry/context-async-hooks');
    api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    const { createLogger, runWithContext } = await import('@shipshape/logger');
    const logger = createLogger({
      service: 'bench',
      version: '1.0.0',
      destination: { path: file },
    });
    const spanContext = { traceId, spanId, traceFlags: api.TraceFlags.SAMPLED };
    return {
      emit: (i) => logger.info('request finished', { ...fields, seq: i }),
      disabled: () => logger.debug('request finished', fields),
      flush: () => logger.flush(),
      within: (fn) =>
        runWithContext({ request_id: requestId }, () =>
          api.context.with(api.trace.setSpanContext(api.context.active(), spanContext), fn),
        ),
    };
  }
  const ids = {
    request_id: requestId,
    trace_id: traceId,
    span_id: spanId,
    service: 'bench',
    version: '1.0.0',
  };
  if (variant === 'pino') {
    const { default: pino } = await import('pino');
    const destination = pino.destination({ dest: file, sync: false, minLength: 4096 });
    const logger = pino(
      { base: { service: 'bench', version: '1.0.0' }, timestamp: pino.stdTimeFunctions.isoTime },
      destination,
    );
    const child = logger.child({ request_id: requestId, trace_id: traceId, span_id: spanId });
    return {
      emit: (i) => child.info({ ...fields, seq: i }, 'request finished'),
      disabled: () => child.debug(fields, 'request finished'),
      flush: () =>
        new Promise((resolve, reject) => {
          destination.flush((error) => (error ? reject(error) : resolve()));
        }),
      within: (fn) => fn(),
    };
  }
  if (variant === 'winston') {
    const { default: winston } = await import('winston');
    const transport = new winston.transports.File({ filename: file });
    const logger = winston.createLogger({
      level: 'info',
      format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
      // winston's typings declare its transports in a way this rule cannot follow.
      // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
      transports: [transport],
    });
    return {
      emit: (i) => logger.info('request finished', { ...ids, ...fields, seq: i }),
      disabled: () => logger.debug('request finished', fields),
      flush: () =>
        new Promise((resolve) => {
          transport.on('finish', () => resolve());
          logger.end();
        }),
      within: (fn) => fn(),
    };
  }
  throw new Error(`unknown logger bench variant "${variant}"`);
}

const s = await subject();
let disabledNs = 0;
let elapsedMs = 0;
await s.within(async () => {
  // Cost of a call below the level, measured first so the heap is small and alike for all.
  const calls = 1_000_000;
  for (let i = 0; i < 10_000; i++) s.disabled(i);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) s.disabled(i);
  disabledNs = Number(process.hrtime.bigint() - t0) / calls;

  const start = performance.now();
  // Yield now and then, as a real service does between requests, so streams can drain.
  for (let i = 0; i < lines; i++) {
    s.emit(i);
    if (i % 1000 === 999) await new Promise((resolve) => setImmediate(resolve));
  }
  await s.flush();
  elapsedMs = performance.now() - start;
});

const bytes = statSync(file).size;
let delivered = 0;
for await (const chunk of createReadStream(file)) {
  for (const byte of chunk as Buffer) if (byte === 10) delivered++;
}
rmSync(file, { force: true });
console.log(
  '@bench',
  JSON.stringify({
    lines_per_second: (lines / elapsedMs) * 1000,
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
    disabled_call_ns: disabledNs,
    emitted_line_ns: (elapsedMs * 1e6) / lines,
    bytes,
    delivered,
  }),
);
