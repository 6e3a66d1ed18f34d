// Writes N access-log-like lines carrying a request id and trace ids to a file in one call shape,
// flushes, and reports lines per second (lines in the file, flush included), peak RSS, and the
// cost of a call below the active level. Arguments: <shape> <contender> <lines>; the shape is one
// of context, fields, child, new-context (contenders shipshape, pino-sync, pino-async) or winston
// (contenders shipshape, winston).
import { AsyncLocalStorage } from 'node:async_hooks';
import { createReadStream, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const shape = process.argv[2] ?? 'context';
const variant = process.argv[3] ?? 'shipshape';
const lines = Number(process.argv[4] ?? 200_000);
const file = join(tmpdir(), `shipshape-bench-logger-${shape}-${variant}-${process.pid}.log`);

const message = 'request finished';
const requestId = '5f0c1e2a-7d3b-4a9e-9c1f-0b2e3d4c5a6f';
const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
const spanId = '00f067aa0ba902b7';
/** The ids every line carries, whichever way they reach the logger. */
const ids = { request_id: requestId, trace_id: traceId, span_id: spanId };
/** The same literal fields for every contender, under the names the project's access log uses. */
const access = {
  'http.request.method': 'GET',
  'http.route': '/v1/orders/:id',
  'http.response.status_code': 200,
  'http.server.request.duration': 0.001234,
  'http.response.body.size': 512,
};
/** The `fields` and `winston` shapes: one prebuilt object with the ids, passed as is each call. */
const withIds = { ...ids, ...access };
/** On every line of every contender. */
const base = { service: 'bench', version: '1.0.0' };

interface Subject {
  emit(): void;
  /**
   * A call below the level, with a prepared fields object: the logger's own cost only (on the
   * request's logger: for `child` a child made once, for `new-context` outside of a context).
   */
  disabled(): void;
  flush(): Promise<void>;
  /** Runs the whole loop inside the request/trace context where the logger reads it itself. */
  within(fn: () => Promise<void>): Promise<void>;
}

const direct = (fn: () => Promise<void>) => fn();

async function winstonFile() {
  const { default: winston } = await import('winston');
  return { winston, transport: new winston.transports.File({ filename: file }) };
}

/** Waits until a winston File transport has written everything it was given to its file. */
const finished = (transport: NodeJS.EventEmitter) =>
  new Promise<void>((resolve) => transport.once('finish', () => resolve()));

async function shipshape(): Promise<Subject> {
  const api = await import('@opentelemetry/api');
  const { AsyncLocalStorageContextManager } = await import('@opentelemetry/context-async-hooks');
  // As in a service: the context manager is registered whatever the call shape.
  api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const { createLogger, runWithContext } = await import('@shipshape/logger');
  if (shape === 'winston') {
    const { transport } = await winstonFile();
    // No destination: only the transport writes (see packages/logger/README.md).
    const logger = createLogger({ ...base, transports: [transport] });
    return {
      emit: () => logger.info(message, withIds),
      disabled: () => logger.debug(message, withIds),
      flush: () => logger.flush(),
      within: direct,
    };
  }
  const logger = createLogger({ ...base, destination: { path: file } });
  const flush = () => logger.flush();
  if (shape === 'context') {
    const spanContext = { traceId, spanId, traceFlags: api.TraceFlags.SAMPLED };
    return {
      emit: () => logger.info(message, access),
      disabled: () => logger.debug(message, access),
      flush,
      within: (fn) =>
        runWithContext({ request_id: requestId }, () =>
          api.context.with(api.trace.setSpanContext(api.context.active(), spanContext), fn),
        ),
    };
  }
  if (shape === 'fields') {
    return {
      emit: () => logger.info(message, withIds),
      disabled: () => logger.debug(message, withIds),
      flush,
      within: direct,
    };
  }
  if (shape === 'child') {
    const once = logger.child(ids);
    return {
      emit: () => logger.child(ids).info(message, access),
      disabled: () => once.debug(message, access),
      flush,
      within: direct,
    };
  }
  if (shape === 'new-context') {
    return {
      emit: () => runWithContext(ids, () => logger.info(message, access)),
      disabled: () => logger.debug(message, access),
      flush,
      within: direct,
    };
  }
  throw new Error(`unknown logger bench shape "${shape}"`);
}

async function pino(sync: boolean): Promise<Subject> {
  const { default: pino } = await import('pino');
  const destination = sync
    ? pino.destination({ dest: file, sync: true })
    : pino.destination({ dest: file, sync: false, minLength: 4096 });
  const als = new AsyncLocalStorage<typeof ids>();
  const logger = pino(
    {
      base,
      timestamp: pino.stdTimeFunctions.isoTime,
      // The hand-written equivalent of a context per request: the ids from AsyncLocalStorage.
      ...(shape === 'new-context' ? { mixin: () => als.getStore() ?? {} } : {}),
    },
    destination,
  );
  const flush = () =>
    new Promise<void>((resolve, reject) => {
      destination.flush((error) => (error ? reject(error) : resolve()));
    });
  if (shape === 'context') {
    // pino's best case: a child bound once with the ids.
    const child = logger.child(ids);
    return {
      emit: () => child.info(access, message),
      disabled: () => child.debug(access, message),
      flush,
      within: direct,
    };
  }
  if (shape === 'fields') {
    return {
      emit: () => logger.info(withIds, message),
      disabled: () => logger.debug(withIds, message),
      flush,
      within: direct,
    };
  }
  if (shape === 'child') {
    const once = logger.child(ids);
    return {
      emit: () => logger.child(ids).info(access, message),
      disabled: () => once.debug(access, message),
      flush,
      within: direct,
    };
  }
  if (shape === 'new-context') {
    return {
      emit: () => als.run(ids, () => logger.info(access, message)),
      disabled: () => logger.debug(access, message),
      flush,
      within: direct,
    };
  }
  throw new Error(`unknown logger bench shape "${shape}" for ${variant}`);
}

async function winston(): Promise<Subject> {
  if (shape !== 'winston') throw new Error(`plain winston runs only the winston shape`);
  const { winston, transport } = await winstonFile();
  const logger = winston.createLogger({
    level: 'info',
    format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
    defaultMeta: base,
    // winston's typings declare its transports in a way this rule cannot follow.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
    transports: [transport],
  });
  return {
    emit: () => logger.info(message, withIds),
    disabled: () => logger.debug(message, withIds),
    flush: () => {
      const done = finished(transport);
      logger.end();
      return done;
    },
    within: direct,
  };
}

async function subject(): Promise<Subject> {
  if (variant === 'shipshape') return shipshape();
  if (variant === 'pino-sync') return pino(true);
  if (variant === 'pino-async') return pino(false);
  if (variant === 'winston') return winston();
  throw new Error(`unknown logger bench contender "${variant}"`);
}

/** Every contender must write the same information: service, version, ids, access fields, message. */
function checkLine(line: string): void {
  const parsed = JSON.parse(line) as Record<string, unknown>;
  const missing = Object.entries({ ...base, ...withIds })
    .filter(([key, value]) => parsed[key] !== value)
    .map(([key]) => key);
  // pino names the message `msg`, the others `message`.
  if (parsed['message'] !== message && parsed['msg'] !== message) missing.push('message');
  if (missing.length > 0)
    throw new Error(
      `logger bench ${shape} ${variant}: the first line lacks ${missing.join(', ')}: ${line}`,
    );
}

const s = await subject();
let disabledNs = 0;
let elapsedMs = 0;
await s.within(async () => {
  // Cost of a call below the level, measured first so the heap is small and alike for all: up to
  // a million calls, or as many as a quarter of a second holds for a slow one.
  for (let i = 0; i < 10_000; i++) s.disabled();
  let calls = 0;
  const t0 = process.hrtime.bigint();
  let spent = 0n;
  while (calls < 1_000_000 && spent < 250_000_000n) {
    for (let i = 0; i < 10_000; i++) s.disabled();
    calls += 10_000;
    spent = process.hrtime.bigint() - t0;
  }
  disabledNs = Number(spent) / calls;

  const start = performance.now();
  // Yield now and then, as a real service does between requests, so streams can drain.
  for (let i = 0; i < lines; i++) {
    s.emit();
    if (i % 1000 === 999) await new Promise((resolve) => setImmediate(resolve));
  }
  try {
    await s.flush();
  } catch (error) {
    // A logger that lost lines says so at flush; the count of delivered lines below shows how many.
    console.error(`logger bench ${shape} ${variant}: flush failed: ${String(error)}`);
  }
  elapsedMs = performance.now() - start;
});

const bytes = statSync(file).size;
let delivered = 0;
let first = '';
for await (const chunk of createReadStream(file)) {
  const buffer = chunk as Buffer;
  if (delivered === 0) first += buffer.toString('utf8', 0, buffer.indexOf(10) + 1 || undefined);
  for (const byte of buffer) if (byte === 10) delivered++;
}
rmSync(file, { force: true });
checkLine(first.trim());
console.log(
  '@bench',
  JSON.stringify({
    // Lines that reached the file: a logger that drops lines is not faster for it.
    lines_per_second: (delivered / elapsedMs) * 1000,
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
    disabled_call_ns: disabledNs,
    emitted_line_ns: (elapsedMs * 1e6) / lines,
    bytes,
    delivered,
  }),
);
